import { CATALOG, Placement, SERVICE_NAMES, ServiceName, ServiceSpec, spec as catalogSpec } from "./catalog";
import { EDGE_HOST, HostConfig, StackConfig } from "./types";

/**
 * Which host each service runs on when the stack has several (`monsterr:hosts`), shared by validation and the
 * components. The edge host (`monsterr:host`, named `edge`) runs the proxy, Authelia, Redis, Fail2Ban, monitoring
 * and every app not placed elsewhere; an app the catalog lets move (`placement: any`) runs where
 * `services.<name>.host` says; a VPN container and an exporter follow the app they serve.
 */

export { EDGE_HOST };

/** The catalog's word on where a service may run; unset means the edge host only. */
export function placementOf(spec: ServiceSpec): Placement {
    return spec.placement ?? "edge";
}

/**
 * The app a service runs beside, whatever the stack says of its own host: a VPN container's client (they share a
 * network namespace), an exporter's first app that may move (it reads that app's API over their shared network).
 * None for every other service.
 */
export function leaderOf(spec: ServiceSpec): ServiceName | undefined {
    if (spec.vpnFor) return spec.vpnFor;
    return spec.companionOf?.find((n) => placementOf(catalogSpec(n)) === "any");
}

/**
 * Every service's host from the hosts the stack names (`services.<name>.host`, unset meaning `edge`): an `any` app
 * where it is placed, a follower on its app's host, everything else (`everyHost` included) on the edge host. The
 * names are taken as given: validation checks them first (config/validatePlacement.ts).
 */
export function resolveHosts(chosen: Partial<Record<ServiceName, string>>): Record<ServiceName, string> {
    const out = {} as Record<ServiceName, string>;
    const hostOfSpec = (s: ServiceSpec, seen: ServiceName[]): string => {
        const leader = leaderOf(s);
        if (leader && !seen.includes(leader)) return hostOfSpec(catalogSpec(leader), [...seen, s.name]);
        return placementOf(s) === "any" ? chosen[s.name] ?? EDGE_HOST : EDGE_HOST;
    };
    for (const s of CATALOG) out[s.name] = hostOfSpec(s, [s.name]);
    return out;
}

/** Every host of the stack by name, the edge host first. */
export function hostNames(config: Pick<StackConfig, "hosts">): string[] {
    return [EDGE_HOST, ...Object.keys(config.hosts)];
}

/** A host's own settings: `monsterr:host` for the edge host, `monsterr:hosts.<name>` for another. */
export function hostConfigOf(config: Pick<StackConfig, "host" | "hosts">, host: string): HostConfig {
    return host === EDGE_HOST ? config.host : config.hosts[host];
}

/** Where a host's settings live, for messages that name a key: `host`, or `hosts.<name>`. */
export function hostSettingKey(host: string): string {
    return host === EDGE_HOST ? "host" : `hosts.${host}`;
}

/** The host a service runs on: `edge` or a key of `hosts` (node-exporter and cAdvisor: `edge`, and every other host too). */
export function hostOf(config: Pick<StackConfig, "services">, service: ServiceName): string {
    return config.services[service].host;
}

/**
 * The enabled services that run on a host, in catalog order: those placed there, and on a host other than the edge
 * host the `everyHost` ones (node-exporter, cAdvisor), of which the program runs a copy on each.
 */
export function servicesOn(config: Pick<StackConfig, "services" | "hosts">, host: string): ServiceName[] {
    const copies = host !== EDGE_HOST && host in config.hosts;
    return CATALOG.filter((s) => config.services[s.name].enabled && (config.services[s.name].host === host || (copies && placementOf(s) === "everyHost"))).map((s) => s.name);
}

/**
 * The TCP ports a service publishes on its host's private address when it runs on a host other than the edge host,
 * for the reverse proxy and Prometheus there: its own port (web UI or API) and its metrics port when that differs.
 * Its catalog `publish` entries (the torrent port) stay published on every address, as on the edge host. A
 * host-network app (Plex) publishes nothing: these ports are the host's own, which its firewall opens instead.
 */
export function remotePorts(spec: ServiceSpec): number[] {
    return [...new Set([spec.port, ...(spec.metrics ? [spec.metrics.port] : [])])].filter((p) => p > 0);
}

/** Ten private ports per catalog service, in SERVICE_NAMES order (which only grows, so a port never moves). */
export const PRIVATE_PORTS = { first: 17000, last: 17000 + 10 * SERVICE_NAMES.length - 1 } as const;

/**
 * The host port where another host of the stack reaches `port` of a service: its own block of the private range,
 * so two apps answering on one container port (qBittorrent and Calibre on 8080, every exportarr on 9707) never
 * collide on a host. A host-network app (Plex) has no published port: its own socket is reached.
 */
export function privatePort(spec: ServiceSpec, port: number): number {
    if (spec.hostNetwork) return port;
    const k = remotePorts(spec).indexOf(port);
    if (k < 0) throw new Error(`${spec.name} answers other hosts on ${remotePorts(spec).join(", ")}, not on ${port}`);
    return PRIVATE_PORTS.first + 10 * SERVICE_NAMES.indexOf(spec.name) + k;
}
