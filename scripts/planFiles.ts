import { scriptedPath } from "../components/hostFile";
import { PlannedResource, isSecret, reveal } from "./offline";

export interface PlannedFile {
    /** Absolute path on the host. */
    path: string;
    /** The content, or undefined when it is a secret. */
    content: string | undefined;
    resource: string;
}

/** Every file the program would write on the host, read from the write commands' scripts and stdin. */
export function plannedFiles(resources: PlannedResource[]): PlannedFile[] {
    const files: PlannedFile[] = [];
    for (const r of resources) {
        if (!r.type.startsWith("command:")) continue;
        const create = String(reveal(r.inputs.create) ?? "");
        const path = scriptedPath(create)?.path;
        if (path === undefined) continue;
        const stdin = r.inputs.stdin;
        files.push({ path, content: isSecret(stdin) ? undefined : String(stdin ?? ""), resource: r.name });
    }
    return files;
}

/** The same, with secret contents revealed: for tests that feed generated files to their real validators. */
export function fileContents(resources: PlannedResource[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of resources) {
        if (!r.type.startsWith("command:")) continue;
        const create = String(reveal(r.inputs.create) ?? "");
        const path = scriptedPath(create)?.path;
        if (path !== undefined) out.set(path, String(reveal(r.inputs.stdin) ?? ""));
    }
    return out;
}
