import * as pulumi from "@pulumi/pulumi";
import { CATALOG, Group, ServiceName } from "../config/catalog";
import { StackConfig } from "../config/types";
import { FILE_BUILDERS } from "./files";
import { Host } from "./host";
import { Networks } from "./networks";
import { Secrets } from "./secrets";
import { Service, ServiceContext } from "./service";

export interface ServiceGroupArgs {
    config: StackConfig;
    host: Host;
    networks: Networks;
    secrets: Secrets;
    /** Extra `${NAME}` values for catalog entries of this group. */
    vars?: Record<string, string>;
}

/** A group of catalog services; the group classes only add what is special to them. */
export abstract class ServiceGroup extends pulumi.ComponentResource {
    readonly services: Partial<Record<ServiceName, Service>> = {};

    protected constructor(type: string, group: Group, name: string, args: ServiceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const { config } = args;
        const enabled = enabledServices(config);
        for (const spec of CATALOG.filter((s) => s.group === group && config.services[s.name].enabled)) {
            const build = FILE_BUILDERS[spec.name];
            const proxyAddress = args.networks.proxyAddressFor(spec.name);
            const context: ServiceContext = { ...config, proxyAddress, vars: args.vars };
            this.services[spec.name] = new Service(
                `${name}-${spec.name}`,
                {
                    spec,
                    settings: config.services[spec.name],
                    context,
                    host: args.host.target,
                    provider: args.host.provider,
                    networks: args.networks,
                    secrets: args.secrets,
                    files: build ? build({ config, secrets: args.secrets, enabled, proxyAddress }) : [],
                    dependsOn: [args.host.directories, ...(spec.startAfter ?? []).flatMap((n) => this.services[n]?.container ?? [])],
                },
                { parent: this },
            );
        }
    }
}

export function enabledServices(config: StackConfig): ServiceName[] {
    return CATALOG.filter((s) => config.services[s.name].enabled).map((s) => s.name);
}
