import { CATALOG, ServiceName } from "../../config/catalog";

/** What "up" means for a probe path that sets no statuses: the app's own 200. */
export const DEFAULT_PROBE_STATUS: readonly number[] = [200];

/** The blackbox module that accepts exactly these statuses (blackbox has no ranges: valid_status_codes is a list). */
export function probeModule(status: readonly number[]): string {
    return `http_${[...status].sort((a, b) => a - b).join("_")}`;
}

export interface ProbeTarget {
    service: ServiceName;
    /** The public name: its proxy host, certificate and route are what the probe crosses. */
    fqdn: string;
    url: string;
    status: readonly number[];
    module: string;
}

/**
 * Every routed app, probed on the path its catalog route names (one it answers without a login), through the proxy
 * and TLS under its public name. The blackbox container resolves public names to the proxy itself (no hairpin NAT),
 * and Authelia lets those paths through only from the prober's own network.
 */
export function probeTargets(domain: string, enabled: readonly ServiceName[]): ProbeTarget[] {
    return CATALOG.filter((s) => s.route && enabled.includes(s.name)).map((s) => {
        const fqdn = `${s.route!.subdomain}.${domain}`;
        const status = s.route!.probe.status ?? DEFAULT_PROBE_STATUS;
        return { service: s.name, fqdn, url: `https://${fqdn}${s.route!.probe.path}`, status, module: probeModule(status) };
    });
}
