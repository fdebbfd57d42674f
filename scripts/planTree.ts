import { CATALOG } from "../config/catalog";
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
            lines.push(`${"  ".repeat(depth)}${label(r)}`);
            walk(r.name, depth + 1);
        }
    };
    walk(null, 0);
    return lines.join("\n");
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
        default:
            return `${type} ${r.name}`;
    }
}

