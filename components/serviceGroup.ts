import * as pulumi from "@pulumi/pulumi";
import { CATALOG, Group, ServiceName } from "../config/catalog";
import { StackConfig } from "../config/types";
import { routedServices } from "./edge/accessControl";
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
    /** Every service created so far, in any group: what `startAfter` entries wait for. */
    started: Map<ServiceName, Service>;
    /** Deploy-time environment for some services, with what it comes from (see ServiceArgs.extraEnv). */
    extraEnv?: Partial<Record<ServiceName, { env: pulumi.Input<string[]>; dependsOn: pulumi.Resource[] }>>;
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
            const context: ServiceContext = { ...config, proxyAddress, publicNames: routedServices(config.domain, enabled).map((r) => r.fqdn), vars: args.vars };
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
                    files: build ? build({ config, secrets: args.secrets, enabled, proxyAddress, parent: this, name: `${name}-${spec.name}` }) : [],
                    ...(args.extraEnv?.[spec.name] ? { extraEnv: args.extraEnv[spec.name]!.env } : {}),
                    ...(config.services[spec.name].behindVpn ? { vpn: vpnContainer(spec.name, args.started) } : {}),
                    dependsOn: [args.host.directories, ...startAfter(spec.name, spec.startAfter ?? [], config, args.started), ...(args.extraEnv?.[spec.name]?.dependsOn ?? [])],
                },
                { parent: this },
            );
            args.started.set(spec.name, this.services[spec.name]!);
        }
    }
}

/** The containers a service starts after; each must exist already (catalog order) when it is enabled. */
function startAfter(service: ServiceName, names: ServiceName[], config: StackConfig, started: Map<ServiceName, Service>): pulumi.Resource[] {
    return names.flatMap((n) => {
        if (!config.services[n].enabled) return [];
        const s = started.get(n);
        if (!s) throw new Error(`catalog: ${service} starts after ${n}, which comes later in the catalog`);
        return [s.container];
    });
}

/** The VPN container a service hides behind; the catalog lists it first, so it exists already. */
function vpnContainer(service: ServiceName, started: Map<ServiceName, Service>) {
    const vpn = CATALOG.find((s) => s.vpnFor === service);
    const container = vpn ? started.get(vpn.name)?.container : undefined;
    if (!container) throw new Error(`catalog: ${service} is behind a VPN container that is not created before it`);
    return container;
}

export function enabledServices(config: StackConfig): ServiceName[] {
    return CATALOG.filter((s) => config.services[s.name].enabled).map((s) => s.name);
}
