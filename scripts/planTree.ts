import { CATALOG } from "../config/catalog";
import { scriptedPath } from "../components/hostFile";
import { PlannedResource, reveal } from "./offline";

/** The resource tree of a plan, one line per resource, indented under its parent. */
export function renderTree(resources: PlannedResource[]): string {
    const children = new Map<string | null, PlannedResource[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            // A host file is one line, by its path: its write command is how, not what.
            if (r.type === "monsterr:host:HostFile") {
                const write = (children.get(r.name) ?? []).find((c) => c.type.startsWith("command:"));
                if (write) {
                    lines.push(`${"  ".repeat(depth)}${fileLabel(write)}`);
                    continue;
                }
            }
            lines.push(`${"  ".repeat(depth)}${label(r)}`);
            walk(r.name, depth + 1);
        }
    };
    walk(null, 0);
    return lines.join("\n");
}

function fileLabel(write: PlannedResource): string {
    const create = String(reveal(write.inputs.create) ?? "");
    const f = scriptedPath(create);
    const mode = /chmod (0\d{3}) /.exec(create)?.[1];
    const notes = [
        mode,
        ...(f?.adopted ? ["secret, generated once and kept on the host"] : create.includes("/secrets/") ? ["secret"] : []),
        ...(create.includes('if [ -e "$p" ]; then cat >/dev/null; exit 0; fi') ? ["seeded once, then the app's"] : []),
    ].filter(Boolean);
    return `file ${f?.path ?? write.name}${notes.length ? ` (${notes.join(", ")})` : ""}`;
}

function label(r: PlannedResource): string {
    const type = r.type.split(":").pop();
    const inputs = reveal(r.inputs) as Record<string, unknown>;
    switch (r.type) {
        case "docker:index/remoteImage:RemoteImage":
            return `image ${inputs.name}`;
        case "docker:index/container:Container": {
            const ports = (inputs.ports as { external: number; protocol: string }[] | undefined) ?? [];
            const published = ports.map((p) => `${p.external}/${p.protocol}`).join(", ");
            const about = CATALOG.find((s) => s.name === inputs.name)?.description;
            return `container ${inputs.name} (${inputs.memory} MiB${inputs.networkMode === "host" ? ", host network" : ""}${published ? `, publishes ${published}` : ""})${about ? `: ${about}` : ""}`;
        }
        case "random:index/randomPassword:RandomPassword":
            return `random ${r.name} (${inputs.length} characters; the host's copy wins, see its file)`;
        default:
            return `${type} ${r.name}`;
    }
}

