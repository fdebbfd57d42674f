import * as pulumi from "@pulumi/pulumi";
import { spec } from "../../config/catalog";
import { HostTarget } from "../hostTarget";
import { RoutedService } from "./accessControl";
import { edgeSnippet } from "./authSnippet";
import { ApiConnection } from "../transport";
import { NpmAccess } from "./npmApi";
import { NpmProxyHost } from "./npmProvider";

export interface ProxyHostsArgs {
    /** Enabled services with a public route (see routedServices). */
    services: RoutedService[];
    access: pulumi.Input<NpmAccess>;
    /** NPM certificate id per public name. */
    certificateIds: Record<string, pulumi.Input<string>>;
    /** Address of the host as seen from the proxy network: where host-network services (Plex) listen. */
    hostGateway: pulumi.Input<string>;
    /** Proxies in front of NPM whose X-Forwarded-For is believed (monsterr:trustedProxies). */
    trustedProxies: readonly string[];
    /** Services placed on another host: that host's private address and the app's private port there. */
    elsewhere?: Partial<Record<string, { host: string; port: number }>>;
}

/** The proxy container: the API client runs inside it, so port 81 never leaves the container. */
export const NPM_CONTAINER = spec("nginx-proxy-manager").name;

/**
 * How the dynamic providers reach the APIs from the workstation: `docker exec` into the proxy container locally, ssh
 * + `docker exec` remotely. A secret: it may hold the ssh private key.
 */
export function proxyConnection(target: HostTarget): pulumi.Output<ApiConnection> {
    return pulumi.secret(
        pulumi.output(target.connection?.privateKey).apply((key): ApiConnection => {
            if (target.kind === "local") return { kind: "docker", dockerHost: target.dockerHost, container: NPM_CONTAINER };
            const c = target.connection!;
            return { kind: "ssh", host: c.host, port: c.port, user: c.user, sshOpts: target.dockerSshOpts, ...(key ? { privateKey: key } : {}), container: NPM_CONTAINER };
        }),
    );
}

/** NPM's API login, as every NPM resource uses it. */
export function npmAccess(target: HostTarget, email: string, password: pulumi.Input<string>): pulumi.Output<NpmAccess> {
    return pulumi.secret(pulumi.all([proxyConnection(target), password]).apply(([connection, pw]): NpmAccess => ({ connection, email, password: pw })));
}

/** Authelia on the Docker network, as the forward-auth subrequest reaches it. */
export const AUTHELIA_URL = `http://authelia:${spec("authelia").port}`;

/**
 * One NPM proxy host per enabled routed service: HTTPS forced, HSTS, HTTP/2, and every route but `bypass` ones
 * forward-authenticated by Authelia (the portal itself and apps with their own login, like Plex, are bypass).
 */
export class ProxyHosts extends pulumi.ComponentResource {
    readonly hosts: Record<string, NpmProxyHost> = {};

    constructor(name: string, args: ProxyHostsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:edge:ProxyHosts", name, {}, opts);
        for (const s of args.services) {
            const certificateId = args.certificateIds[s.fqdn];
            if (certificateId === undefined) throw new Error(`no certificate for ${s.fqdn}`);
            this.hosts[s.name] = new NpmProxyHost(
                `${name}-${s.name}`,
                {
                    access: args.access,
                    domainNames: [s.fqdn],
                    forwardScheme: "http",
                    forwardHost: args.elsewhere?.[s.name]?.host ?? (s.hostNetwork ? args.hostGateway : s.name),
                    forwardPort: args.elsewhere?.[s.name]?.port ?? s.port,
                    certificateId,
                    sslForced: true,
                    hstsEnabled: true,
                    hstsSubdomains: false,
                    http2Support: true,
                    blockExploits: true,
                    cachingEnabled: false,
                    allowWebsocketUpgrade: true,
                    advancedConfig: edgeSnippet({
                        fqdn: s.fqdn,
                        autheliaUrl: AUTHELIA_URL,
                        forwardAuth: s.route.auth !== "bypass",
                        trustedProxies: args.trustedProxies,
                        ...(s.route.blockedPaths ? { blocked: s.route.blockedPaths.map((p) => p.prefix) } : {}),
                    }),
                },
                // Pulumi does not pass a component's dependsOn to its children: each host waits for NPM itself.
                { parent: this, dependsOn: opts?.dependsOn },
            );
        }
        this.registerOutputs({ hosts: args.services.map((s) => s.fqdn) });
    }
}
