import { toYaml } from "./yaml";
import { probeModule, probeTargets } from "./probes";
import { FileBuilder } from "./types";

type HttpModule = {
    prober: "http";
    timeout: string;
    http: {
        method: "GET";
        valid_status_codes: number[];
        follow_redirects: boolean;
        fail_if_not_ssl: boolean;
        preferred_ip_protocol: "ip4" | "ip6";
        tls_config: { insecure_skip_verify: boolean };
    };
};

export interface BlackboxConfig {
    modules: Record<string, HttpModule>;
}

/**
 * One module per set of statuses the catalog's probes accept. Redirects are never followed: the probe must get the
 * app's own answer on its probe path (a 302 means Authelia stopped it), and the certificate it reports is the one
 * its host serves, not the portal's at the end of a redirect (blackbox prober/http.go reports the last hop's TLS).
 * The self-signed dev CA is not in the exporter's trust store, so only then is verification off.
 */
export function blackboxConfig(selfSigned: boolean, statusSets: readonly (readonly number[])[]): BlackboxConfig {
    const modules: Record<string, HttpModule> = {};
    for (const status of statusSets) {
        modules[probeModule(status)] = {
            prober: "http",
            timeout: "10s",
            http: {
                method: "GET",
                valid_status_codes: [...status].sort((a, b) => a - b),
                follow_redirects: false,
                fail_if_not_ssl: true,
                preferred_ip_protocol: "ip4",
                tls_config: { insecure_skip_verify: selfSigned },
            },
        };
    }
    return { modules };
}

export const blackboxFiles: FileBuilder = ({ config, enabled }) => {
    const sets = new Map(probeTargets(config.domain, enabled).map((t) => [t.module, t.status]));
    return [{ path: "etc/config.yml", content: toYaml(blackboxConfig(config.tls.mode === "selfsigned", [...sets.values()])) }];
};
