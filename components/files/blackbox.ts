import { toYaml } from "./yaml";
import { FileBuilder } from "./types";

export interface BlackboxConfig {
    modules: Record<
        string,
        {
            prober: "http";
            timeout: string;
            http: {
                method: "GET";
                follow_redirects: boolean;
                fail_if_not_ssl: boolean;
                preferred_ip_protocol: "ip4" | "ip6";
                tls_config: { insecure_skip_verify: boolean };
            };
        }
    >;
}

/**
 * `http_2xx`: a GET that follows the proxy's redirects (to Authelia's portal for protected apps) and must end in a 2xx
 * over TLS; the probe also reports the certificate's expiry. The self-signed dev CA is not in the exporter's trust
 * store, so only then is verification off.
 */
export function blackboxConfig(selfSigned: boolean): BlackboxConfig {
    return {
        modules: {
            http_2xx: {
                prober: "http",
                timeout: "10s",
                http: { method: "GET", follow_redirects: true, fail_if_not_ssl: true, preferred_ip_protocol: "ip4", tls_config: { insecure_skip_verify: selfSigned } },
            },
        },
    };
}

export const blackboxFiles: FileBuilder = ({ config }) => [
    { path: "etc/config.yml", content: toYaml(blackboxConfig(config.tls.mode === "selfsigned")) },
];
