import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../config/validate";
import { NetworkConfig } from "../config/types";

export interface NetworksArgs {
    provider: docker.Provider;
    subnets: NetworkConfig;
}

export type NetworkName = "proxy" | "backend";

/** The n-th address of an IPv4 subnet (1 is the gateway). */
export function hostAddress(cidr: string, n: number): string {
    const c = parseCidr(cidr);
    if (!c) throw new Error(`not a validated subnet: ${cidr}`);
    const a = c.base + n;
    return [24, 16, 8, 0].map((shift) => Math.floor(a / 2 ** shift) % 256).join(".");
}

/**
 * `proxy`: the reverse proxy and every web UI (and their way out to the internet).
 * `backend`: internal, no route out: Redis, exporters, and the apps' internal APIs.
 * Subnets are pinned, so the host's gateway address (Plex) and the proxy's own address (trusted by Grafana's auth
 * proxy) are known before anything exists.
 */
export class Networks extends pulumi.ComponentResource {
    readonly proxy: docker.Network;
    readonly backend: docker.Network;
    /** The host as containers on the proxy network reach it (host-network services such as Plex). */
    readonly proxyGateway: string;
    /** The reverse proxy's fixed address: the only source trusted to send Authelia's Remote-User header. */
    readonly proxyAddress: string;

    constructor(name: string, args: NetworksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:Networks", name, {}, opts);
        const child = { parent: this, provider: args.provider };
        this.proxyGateway = hostAddress(args.subnets.proxySubnet, 1);
        this.proxyAddress = hostAddress(args.subnets.proxySubnet, 2);
        this.proxy = new docker.Network(
            `${name}-proxy`,
            { name: "monsterr-proxy", driver: "bridge", ipamConfigs: [{ subnet: args.subnets.proxySubnet, gateway: this.proxyGateway }] },
            child,
        );
        this.backend = new docker.Network(
            `${name}-backend`,
            { name: "monsterr-backend", driver: "bridge", internal: true, ipamConfigs: [{ subnet: args.subnets.backendSubnet, gateway: hostAddress(args.subnets.backendSubnet, 1) }] },
            child,
        );
        this.registerOutputs({ proxy: this.proxy.name, backend: this.backend.name });
    }

    byName(n: NetworkName): docker.Network {
        return n === "proxy" ? this.proxy : this.backend;
    }
}
