import { scriptedPath } from "../components/hostFile";
import { PlannedResource, isSecret, reveal } from "./offline";

export interface PlannedFile {
    /** Absolute path on the host. */
    path: string;
    /** On a stack with several hosts, the address of a host other than the edge host that the file is written on. */
    host?: string;
    /** The content, or undefined when it is a secret. */
    content: string | undefined;
    resource: string;
}

/** The SSH address a command runs on; undefined for local commands. */
function commandHost(r: PlannedResource): string | undefined {
    const c = reveal(r.inputs.connection) as { host?: string } | undefined;
    return c?.host;
}

/**
 * Which host a file is on, when it is not the edge host: the edge host is where the edge Host component creates
 * its folders (`monsterr-host-directories`), so a single-host plan names no host at all.
 */
function otherHost(resources: PlannedResource[]): (r: PlannedResource) => string | undefined {
    const edge = resources.find((r) => r.name === "monsterr-host-directories");
    const edgeHost = edge ? commandHost(edge) : undefined;
    return (r) => {
        const h = commandHost(r);
        return h !== undefined && h !== edgeHost ? h : undefined;
    };
}

/** Every file the program would write on the host, read from the write commands' scripts and stdin. */
export function plannedFiles(resources: PlannedResource[]): PlannedFile[] {
    const files: PlannedFile[] = [];
    const hostOf = otherHost(resources);
    for (const r of resources) {
        if (!r.type.startsWith("command:")) continue;
        const create = String(reveal(r.inputs.create) ?? "");
        const path = scriptedPath(create)?.path;
        if (path === undefined) continue;
        const stdin = r.inputs.stdin;
        const host = hostOf(r);
        files.push({ path, ...(host ? { host } : {}), content: isSecret(stdin) ? undefined : String(stdin ?? ""), resource: r.name });
    }
    return files;
}

/**
 * The same, with secret contents revealed: for tests that feed generated files to their real validators. Keyed by
 * path on the edge host, and by `<address>:<path>` on another host.
 */
export function fileContents(resources: PlannedResource[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const f of plannedFiles(resources)) {
        const r = resources.find((x) => x.name === f.resource)!;
        out.set(f.host ? `${f.host}:${f.path}` : f.path, String(reveal(r.inputs.stdin) ?? ""));
    }
    return out;
}
