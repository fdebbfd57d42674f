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
