import * as pulumi from "@pulumi/pulumi";
import { CATALOG, Group, ServiceName, ServiceSpec } from "../config/catalog";
import { hostOf, placementOf, servicesOn } from "../config/placement";
import { EDGE_HOST, StackConfig } from "../config/types";
import { routedServices } from "./edge/accessControl";
import { FILE_BUILDERS } from "./files";
import { Host } from "./host";
import { Networks } from "./networks";
import { Secrets } from "./secrets";
import { Service, ServiceContext } from "./service";
import { Site } from "./site";
import { CrossHostFlow, publishedPrivately } from "./crossHost";

export interface ServiceGroupArgs {
    config: StackConfig;
    /** The edge host (the stack's `host`) and its networks. */
    host: Host;
    networks: Networks;
    /** Every host by name, the edge host included: where each service is placed (`services.<name>.host`). */
    sites: Map<string, Site>;
    /** Connections between the hosts (none on a single host): which ports each service publishes privately. */
    flows: CrossHostFlow[];
    secrets: Secrets;
    /** Extra `${NAME}` values for catalog entries of this group. */
    vars?: Record<string, string>;
    /** Every service created so far, in any group: what `startAfter` entries wait for. */
    started: Map<ServiceName, Service>;
    /** The copies on other hosts created so far (`<host>/<service>`): what a copy there waits for. */
    copies: Map<string, Service>;
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
            const site = args.sites.get(hostOf(config, spec.name))!;
            this.services[spec.name] = this.place(`${name}-${spec.name}`, spec, site, args, enabled);
            args.started.set(spec.name, this.services[spec.name]!);
            // What measures or guards a host's own machine (node-exporter, cAdvisor, Fail2Ban) runs on every other host too.
            if (placementOf(spec) === "everyHost") {
                for (const other of [...args.sites.values()].filter((s) => s.name !== EDGE_HOST)) {
                    args.copies.set(`${other.name}/${spec.name}`, this.place(`${name}-${spec.name}-${other.name}`, spec, other, args, enabled));
                }
            }
        }
    }

    private place(resourceName: string, spec: ServiceSpec, site: Site, args: ServiceGroupArgs, enabled: ServiceName[]): Service {
        const { config } = args;
        const build = FILE_BUILDERS[spec.name];
        const proxyAddress = site.proxyAddress ?? site.networks.proxyAddressFor(spec.name);
        // A per-host copy's files (Fail2Ban's jails) follow its own host: its SSH settings and the services there.
        const local = site.name === EDGE_HOST ? { config, enabled } : { config: { ...config, host: config.hosts[site.name] }, enabled: servicesOn(config, site.name) };
        const privatePorts = config.services[spec.name].behindVpn ? [] : publishedPrivately(args.flows, spec.vpnFor ?? spec.name, site.name);
        const context: ServiceContext = { ...config, proxyAddress, publicNames: routedServices(config.domain, enabled).map((r) => r.fqdn), vars: args.vars };
        return new Service(
            resourceName,
            {
                spec,
                settings: config.services[spec.name],
                context,
                host: site.host.target,
                provider: site.host.provider,
                networks: site.networks,
                secrets: args.secrets,
                site: site.name,
                ...(privatePorts.length ? { privatePorts: { address: site.privateAddress!, ports: privatePorts } } : {}),
                files: build ? build({ config: local.config, secrets: args.secrets, enabled: local.enabled, proxyAddress, parent: this, name: resourceName }) : [],
                ...(args.extraEnv?.[spec.name] ? { extraEnv: args.extraEnv[spec.name]!.env } : {}),
                ...(config.services[spec.name].behindVpn ? { vpn: vpnContainer(spec.name, args.started) } : {}),
                dependsOn: [site.host.directories, ...startAfter(spec.name, spec.startAfter ?? [], config, args, site.name), ...(args.extraEnv?.[spec.name]?.dependsOn ?? [])],
            },
            { parent: this },
        );
    }
}

/**
 * The containers a service starts after; each must exist already (catalog order) when it is enabled. On a host
 * other than the edge host only those running there count (Fail2Ban's copy there has no proxy log to wait for).
 */
function startAfter(service: ServiceName, names: ServiceName[], config: StackConfig, args: Pick<ServiceGroupArgs, "started" | "copies">, site: string): pulumi.Resource[] {
    return names.flatMap((n) => {
        if (!config.services[n].enabled) return [];
        const s = site === EDGE_HOST || hostOf(config, n) === site ? args.started.get(n) : args.copies.get(`${site}/${n}`);
        if (!s && (site === EDGE_HOST || hostOf(config, n) === site)) throw new Error(`catalog: ${service} starts after ${n}, which comes later in the catalog`);
        return s ? [s.container] : [];
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
