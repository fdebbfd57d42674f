import { BOOKS } from "./books";
import { CORE } from "./core";
import { DOWNLOADS } from "./downloads";
import { MEDIA } from "./media";
import { MONITORING } from "./monitoring";
import { ServiceName, ServiceSpec } from "./types";
import { UI } from "./ui";

export * from "./types";
export { SECRETS } from "./secrets";

/** Every service of the stack, in deployment order within each group. */
export const CATALOG: readonly ServiceSpec[] = [...CORE, ...MEDIA, ...DOWNLOADS, ...BOOKS, ...MONITORING, ...UI];

export function spec(name: ServiceName): ServiceSpec {
    const found = CATALOG.find((s) => s.name === name);
    if (!found) throw new Error(`service ${name} is not in the catalog`);
    return found;
}

/** A catalog port number, with `torrentPort` resolved to the stack's setting. */
export function resolvePort(p: number | "torrentPort", torrentPort: number): number {
    return p === "torrentPort" ? torrentPort : p;
}
