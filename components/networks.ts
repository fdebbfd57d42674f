import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG, NetworkName, ServiceName } from "../config/catalog";
import { NetworkConfig } from "../config/types";
import { parseCidr } from "../config/validate";

export interface NetworksArgs {
    provider: docker.Provider;
    subnets: NetworkConfig;
    /** Enabled services on this host: an edge network exists per enabled edge member, an internal network only while used. */
    enabled: readonly ServiceName[];
    /**
     * The reverse proxy runs on this host (the edge host): its own network, and it joins every edge network. On
     * another host an app's edge network is its way out alone; the proxy reaches it over the private link.
     */
    reverseProxy?: boolean;
    /**
     * Services on this host that publish a port on its private address but have no network with a way out (their
     * networks are internal): they join a `monsterr-published` bridge, which Docker can publish from.
     */
    publishing?: readonly ServiceName[];
}

/** The n-th address of an IPv4 subnet (1 is the gateway). */
export function hostAddress(cidr: string, n: number): string {
    const c = parseCidr(cidr);
    if (!c) throw new Error(`not a validated subnet: ${cidr}`);
    return formatIPv4(c.base + n);
}

function formatIPv4(a: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(a / 2 ** shift) % 256).join(".");
}

/** Every edge network (and the proxy's own) is a /29: network, gateway, the proxy, the app, broadcast. */
export const EDGE_PREFIX = 29;
/** Addresses Docker hands out on a /29: the upper /30, so the fixed ones (.1 gateway, .2 proxy) are never taken first. */
const DYNAMIC_OFFSET = 4;
const DYNAMIC_PREFIX = 30;

/** One pinned network: its subnet, gateway, the reverse proxy's fixed address on it, and Docker's dynamic range. */
export interface NetworkSlot {
    subnet: string;
    gateway: string;
    proxyAddress: string;
    ipRange: string;
}

/** Services with an edge network, in catalog order: a service's slot never moves when others are turned on or off. */
export const EDGE_MEMBERS: readonly ServiceName[] = CATALOG.filter((s) => s.networks.includes("edge")).map((s) => s.name);

/** Slot 0 is the proxy's own network, slot i + 1 the edge network of EDGE_MEMBERS[i]; all carved from proxySubnet. */
export function edgeSlot(proxySubnet: string, index: number): NetworkSlot {
    const c = parseCidr(proxySubnet);
    if (!c) throw new Error(`not a validated subnet: ${proxySubnet}`);
    const size = 2 ** (32 - EDGE_PREFIX);
    if ((index + 1) * size > 2 ** (32 - c.prefix)) throw new Error(`${proxySubnet} has no room for edge network ${index}`);
    const base = c.base + index * size;
    return {
        subnet: `${formatIPv4(base)}/${EDGE_PREFIX}`,
        gateway: formatIPv4(base + 1),
        proxyAddress: formatIPv4(base + 2),
        ipRange: `${formatIPv4(base + DYNAMIC_OFFSET)}/${DYNAMIC_PREFIX}`,
    };
}

/** The subnet of a service's edge network (what the proxy sees as that service's client address). */
export function edgeSubnetOf(proxySubnet: string, service: ServiceName): string {
    const i = EDGE_MEMBERS.indexOf(service);
    if (i < 0) throw new Error(`${service} has no edge network`);
    return edgeSlot(proxySubnet, i + 1).subnet;
}

/** How many /29 slots the proxy subnet must hold: the proxy's own network and one per possible edge member. */
export const EDGE_SLOTS = EDGE_MEMBERS.length + 1;

/** The internal networks take fixed quarters of backendSubnet. */
export const INTERNAL_NETWORKS = ["backend", "metrics", "sessions"] as const;
export type InternalNetwork = (typeof INTERNAL_NETWORKS)[number];

export function internalSubnet(backendSubnet: string, n: InternalNetwork | "published"): { subnet: string; gateway: string } {
    const c = parseCidr(backendSubnet);
    if (!c) throw new Error(`not a validated subnet: ${backendSubnet}`);
    const prefix = c.prefix + 2;
    // The fourth quarter: on a host other than the edge host, where exporters without a network out publish ports.
    const quarter = n === "published" ? INTERNAL_NETWORKS.length : INTERNAL_NETWORKS.indexOf(n);
    const base = c.base + quarter * 2 ** (32 - prefix);
    return { subnet: `${formatIPv4(base)}/${prefix}`, gateway: formatIPv4(base + 1) };
}

/** A service's edge network: the network and the reverse proxy's address on it. */
export interface EdgeNetwork {
    service: ServiceName;
    network: docker.Network;
    proxyAddress: string;
    /** The host as the service reaches it on this network (host-network services such as Plex). */
    gateway: string;
}

/**
 * The Docker networks. No two apps share a network the internet reaches: each routed app sits on its own edge
 * network with the reverse proxy only, so an app with a weak login cannot reach another app's web port. App-to-app
 * APIs, metrics and sessions travel on internal networks without a route out. Every subnet is pinned, and fixed
 * addresses (the gateway, the reverse proxy) lie outside the range Docker hands out.
 */
export class Networks extends pulumi.ComponentResource {
    /** The reverse proxy's own network: its way out, and the host (Plex) at the gateway (the edge host only). */
    readonly proxy?: docker.Network;
    /** The host as containers on the proxy network reach it (host-network services such as Plex). */
    readonly proxyGateway: string;
    /** The reverse proxy's fixed address on its own network (the SSH tunnel to its admin UI uses it). */
    readonly proxyAddress: string;
    readonly edges: EdgeNetwork[] = [];
    private readonly internal = new Map<InternalNetwork, docker.Network>();
    /** Where exporters of a host other than the edge host publish their ports (see NetworksArgs.publishing). */
    readonly published?: docker.Network;

    constructor(name: string, args: NetworksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:Networks", name, {}, opts);
        // A network keeps its Docker name, so a change of its addresses must delete it before creating it again.
        const child = { parent: this, provider: args.provider, deleteBeforeReplace: true };
        const bridge = (resource: string, dockerName: string, slot: NetworkSlot) =>
            new docker.Network(resource, { name: dockerName, driver: "bridge", ipamConfigs: [{ subnet: slot.subnet, gateway: slot.gateway, ipRange: slot.ipRange }] }, child);

        const own = edgeSlot(args.subnets.proxySubnet, 0);
        this.proxyGateway = own.gateway;
        this.proxyAddress = own.proxyAddress;
        if (args.reverseProxy !== false) this.proxy = bridge(`${name}-proxy`, "monsterr-proxy", own);

        EDGE_MEMBERS.forEach((service, i) => {
            if (!args.enabled.includes(service)) return;
            const slot = edgeSlot(args.subnets.proxySubnet, i + 1);
            this.edges.push({ service, network: bridge(`${name}-edge-${service}`, `monsterr-edge-${service}`, slot), proxyAddress: slot.proxyAddress, gateway: slot.gateway });
        });

        const used = new Set(CATALOG.filter((s) => args.enabled.includes(s.name)).flatMap((s) => s.networks));
        for (const n of INTERNAL_NETWORKS.filter((n) => used.has(n))) {
            const { subnet, gateway } = internalSubnet(args.subnets.backendSubnet, n);
            this.internal.set(n, new docker.Network(`${name}-${n}`, { name: `monsterr-${n}`, driver: "bridge", internal: true, ipamConfigs: [{ subnet, gateway }] }, child));
        }
        if (args.publishing?.length) {
            const { subnet, gateway } = internalSubnet(args.subnets.backendSubnet, "published");
            this.published = new docker.Network(`${name}-published`, { name: "monsterr-published", driver: "bridge", ipamConfigs: [{ subnet, gateway }] }, child);
        }
        this.registerOutputs({ proxy: this.proxy?.name, edges: this.edges.map((e) => e.network.name) });
    }

    /** The edge network of a service; undefined when it has none. */
    edge(service: ServiceName): EdgeNetwork | undefined {
        return this.edges.find((e) => e.service === service);
    }

    /** The network a catalog entry names, for this service. */
    byName(n: NetworkName, service: ServiceName): docker.Network {
        if (n === "proxy") {
            if (!this.proxy) throw new Error(`${service} joins the reverse proxy's network, which exists on the edge host only`);
            return this.proxy;
        }
        if (n === "edge") {
            const e = this.edge(service);
            if (!e) throw new Error(`${service} has no edge network: it is not enabled`);
            return e.network;
        }
        const net = this.internal.get(n);
        if (!net) throw new Error(`network ${n} was not created although ${service} uses it`);
        return net;
    }

    /** Where a service sees the reverse proxy: its address on the service's edge network (or its own network). */
    proxyAddressFor(service: ServiceName): string {
        return this.edge(service)?.proxyAddress ?? this.proxyAddress;
    }
}
