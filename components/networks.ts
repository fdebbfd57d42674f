import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface NetworksArgs {
    provider: docker.Provider;
}

export type NetworkName = "proxy" | "backend";

/**
 * `proxy`: the reverse proxy and every web UI (and their way out to the internet).
 * `backend`: internal, no route out: Redis, exporters, and the apps' internal APIs.
 */
export class Networks extends pulumi.ComponentResource {
    readonly proxy: docker.Network;
    readonly backend: docker.Network;

    constructor(name: string, args: NetworksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:Networks", name, {}, opts);
        const child = { parent: this, provider: args.provider };
        this.proxy = new docker.Network(`${name}-proxy`, { name: "monsterr-proxy", driver: "bridge" }, child);
        this.backend = new docker.Network(`${name}-backend`, { name: "monsterr-backend", driver: "bridge", internal: true }, child);
        this.registerOutputs({ proxy: this.proxy.name, backend: this.backend.name });
    }

    byName(n: NetworkName): docker.Network {
        return n === "proxy" ? this.proxy : this.backend;
    }
}
