import { CATALOG, ServiceName, spec } from "../config/catalog";
import { hostOf, servicesOn } from "../config/placement";
import { EDGE_HOST, StackConfig } from "../config/types";
import { edgeSlot, EDGE_MEMBERS } from "./networks";
import { links } from "./wiring/links";

type PlacementConfig = Pick<StackConfig, "host" | "hosts" | "services" | "networks">;

/**
 * One connection that crosses the private link: a client on one host opens `port` of `target` on another. The
 * target publishes that port on its host's private address, its host's firewall lets the client's host in, and the
 * client's host lets only this client's network out towards it.
 */
export interface CrossHostFlow {
    /** The container that connects: an app, or the reverse proxy / Prometheus on the edge host. */
    client: ServiceName;
    clientHost: string;
    target: ServiceName;
    /** For the per-host exporters, which copy (their host); otherwise the target's host. */
    targetHost: string;
    port: number;
}

/** Who connects to whom at run time, for each link the wiring makes (links.ts): both ways for Prowlarr's sync. */
function linkFlows(enabled: readonly ServiceName[]): [ServiceName, ServiceName][] {
    return links(enabled).flatMap((l): [ServiceName, ServiceName][] => {
        switch (l.kind) {
            case "prowlarr-application":
                // Prowlarr pushes indexers to the app; the app searches through Prowlarr's proxied indexer URLs.
                return [["prowlarr", l.to], [l.to, "prowlarr"]];
            case "download-client":
            case "bazarr":
            case "seerr":
                return [[l.app, l.to]];
            default:
                return [];
        }
    });
}

/** Every flow of the stack between different hosts, in a stable order; none on a single-host stack. */
export function crossHostFlows(config: PlacementConfig): CrossHostFlow[] {
    if (Object.keys(config.hosts).length === 0) return [];
    const enabled = CATALOG.filter((s) => config.services[s.name].enabled).map((s) => s.name);
    const flows: CrossHostFlow[] = [];
    const add = (client: ServiceName, target: ServiceName, port: number, targetHost = hostOf(config, target)) => {
        const clientHost = hostOf(config, client);
        if (clientHost !== targetHost && !flows.some((f) => f.client === client && f.target === target && f.targetHost === targetHost && f.port === port)) {
            flows.push({ client, clientHost, target, targetHost, port });
        }
    };
    for (const host of Object.keys(config.hosts)) {
        for (const name of servicesOn(config, host)) {
            const s = spec(name);
            const answering = s.vpnFor ? spec(s.vpnFor) : s;
            if (config.services[name].behindVpn) continue;
            // The proxy serves its route and runs the wiring's API calls; Prometheus scrapes its metrics.
            if (answering.route && enabled.includes("nginx-proxy-manager")) add("nginx-proxy-manager", answering.name, answering.port, host);
            if (answering.metrics && enabled.includes("prometheus")) add("prometheus", answering.name, answering.metrics.port, host);
        }
    }
    for (const [client, target] of linkFlows(enabled)) add(client, target, spec(target).port);
    if (enabled.includes("tautulli") && enabled.includes("plex")) add("tautulli", "plex", spec("plex").port);
    return flows;
}

/** The private address of a host of the stack. */
export function privateAddressOf(config: Pick<StackConfig, "host" | "hosts">, host: string): string {
    const a = host === EDGE_HOST ? config.host.privateAddress : config.hosts[host]?.privateAddress;
    if (!a) throw new Error(`host ${host} has no private address (validated before)`);
    return a;
}

/**
 * The source addresses a client's connections may leave its host with, before the host masquerades them. Docker
 * routes a container out through its first non-internal network in lexical order, so the reverse proxy (on its own
 * network and every edge network) may leave by any of its fixed addresses; an app leaves by its own edge network,
 * which no other app shares.
 */
export function clientSources(config: Pick<StackConfig, "networks" | "services">, client: ServiceName): string[] {
    if (spec(client).reverseProxy) {
        const onEdge = (n: ServiceName) => config.services[n].enabled && config.services[n].host === EDGE_HOST;
        const slots = [0, ...EDGE_MEMBERS.map((_, i) => i + 1).filter((i) => onEdge(EDGE_MEMBERS[i - 1]))];
        return slots.map((i) => `${edgeSlot(config.networks.proxySubnet, i).proxyAddress}/32`);
    }
    const i = EDGE_MEMBERS.indexOf(client);
    if (i < 0) throw new Error(`${client} connects to another host but has no edge network to leave by`);
    return [edgeSlot(config.networks.proxySubnet, i + 1).subnet];
}

/** The ports a service publishes on its host's private address: each port another host connects to. */
export function publishedPrivately(flows: CrossHostFlow[], target: ServiceName, host: string): number[] {
    return [...new Set(flows.filter((f) => f.target === target && f.targetHost === host).map((f) => f.port))].sort((a, b) => a - b);
}
