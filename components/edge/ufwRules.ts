import { CATALOG, ServiceName, ServiceSpec, resolvePort, spec as catalogSpec } from "../../config/catalog";
import { hostNames, privatePort, servicesOn } from "../../config/placement";
import { EDGE_HOST, StackConfig } from "../../config/types";
import { CrossHostFlow, clientSources, crossHostFlows, privateAddressOf } from "../crossHost";

export type Protocol = "tcp" | "udp";

/** One UFW rule on INPUT: the host's own sockets (sshd, host-network containers) and, by convention, published ports. */
export interface UfwRule {
    action: "allow";
    port: number;
    protocol: Protocol;
    /** Who needs it; also the rule's UFW comment, which marks it as monsterr's. */
    reason: string;
    /** The only address it is open to (the edge host, on another host's private link); anyone when unset. */
    from?: string;
}

/** A port Docker publishes (DNAT from the host port to the container port); reaches the container through FORWARD. */
export interface PublishedPort {
    service: ServiceName;
    hostPort: number;
    containerPort: number;
    protocol: Protocol;
    /** The only source address it is open to (the edge host's private address); anyone when unset. */
    from?: string;
}

/** A connection a container on this host may open to another host of the stack (components/crossHost.ts). */
export interface EgressRule {
    client: ServiceName;
    target: ServiceName;
    /** The client's source address or subnet on its Docker network. */
    source: string;
    /** The other host's private address. */
    address: string;
    port: number;
}

/** The whole network exposure of the host, derived from the catalog and the host config: the firewall's one input. */
export interface FirewallPolicy {
    sshPort: number;
    ufw: UfwRule[];
    published: PublishedPort[];
    /** Containers allowed to connect to another host's private address, and the other hosts (a multi-host stack). */
    egress?: EgressRule[];
    peers?: string[];
}

/** Marks every UFW rule and the after.rules block monsterr owns, so re-applying replaces them and delete finds them. */
export const UFW_COMMENT_PREFIX = "monsterr";
export const AFTER_RULES = "/etc/ufw/after.rules";
export const BLOCK_BEGIN = "# BEGIN MONSTERR DOCKER-USER";
export const BLOCK_END = "# END MONSTERR DOCKER-USER";
/** Docker's bridge interfaces: the default bridge and every user-defined network (`br-<id>`). */
export const DOCKER_BRIDGES = ["docker0", "br-+"];

/**
 * A host-network service is public when it has a route: its clients (Plex apps) reach the app's own port directly.
 * Host-network helpers without a route (fail2ban, exporters) expose nothing.
 */
function publicHostPort(spec: ServiceSpec): number | undefined {
    return spec.hostNetwork && spec.route && spec.port > 0 ? spec.port : undefined;
}

export function firewallPolicy(config: Pick<StackConfig, "host" | "torrentPort"> & Partial<Pick<StackConfig, "services">>, enabled: readonly ServiceName[]): FirewallPolicy {
    const sshPort = config.host.kind === "ssh" ? config.host.sshdPort : 22;
    const specs = CATALOG.filter((s) => enabled.includes(s.name));
    // A service behind the VPN publishes nothing: its peers come through the tunnel.
    const published: PublishedPort[] = specs.filter((s) => !config.services?.[s.name]?.behindVpn).flatMap((s) =>
        (s.publish ?? []).map((p) => ({
            service: s.name,
            hostPort: resolvePort(p.external, config.torrentPort),
            containerPort: resolvePort(p.internal ?? p.external, config.torrentPort),
            protocol: p.protocol,
        })),
    );
    const ufw: UfwRule[] = [
        // Not `limit`: one `pulumi up` opens dozens of SSH connections within seconds (every command resource has its
        // own), and ufw's limit refuses the 6th in 30 s. Password guessing is the sshd jail's job (Fail2Ban).
        { action: "allow", port: sshPort, protocol: "tcp", reason: "sshd" },
        ...published.map((p): UfwRule => ({ action: "allow", port: p.hostPort, protocol: p.protocol, reason: p.service })),
        ...specs.flatMap((s): UfwRule[] => {
            const port = publicHostPort(s);
            return port === undefined ? [] : [{ action: "allow", port, protocol: "tcp", reason: s.name }];
        }),
    ];
    return { sshPort, ufw, published };
}

/** `ufw` arguments of one rule, exactly as `ufw show added` prints them back (so stale rules can be found by text). */
export function ufwRuleSpec(r: UfwRule): string {
    const what = r.from ? `from ${r.from} to any port ${r.port} proto ${r.protocol}` : `${r.port}/${r.protocol}`;
    return `${r.action} ${what} comment '${UFW_COMMENT_PREFIX} ${r.reason}'`;
}

/** One rule of the DOCKER-USER chain, as iptables-restore arguments after `-A DOCKER-USER`. */
export interface ChainRule {
    args: string[];
    target: "RETURN" | "DROP";
}

/**
 * DOCKER-USER, evaluated before Docker's own FORWARD rules: replies and container egress pass, new connections reach
 * a container only through a published port of the policy (matched on the host port before DNAT), anything else
 * towards a Docker bridge (routed straight to a container address, or a port published outside the catalog) drops.
 * Traffic that does not go to a Docker bridge is left to UFW's own FORWARD rules.
 */
export function dockerUserRules(policy: FirewallPolicy): ChainRule[] {
    return [
        { args: ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"], target: "RETURN" },
        // Towards the stack's other hosts a container leaves only for a connection the wiring or the proxy needs.
        ...egressRules(policy.egress ?? []),
        ...(policy.peers ?? []).flatMap((peer) => DOCKER_BRIDGES.map((i): ChainRule => ({ args: ["-i", i, "-d", `${peer}/32`], target: "DROP" }))),
        ...DOCKER_BRIDGES.map((i): ChainRule => ({ args: ["-i", i], target: "RETURN" })),
        ...policy.published.map(
            (p): ChainRule => ({
                args: [...(p.from ? ["-s", `${p.from}/32`] : []), "-p", p.protocol, "-m", "conntrack", "--ctstate", "DNAT", "--ctorigdstport", String(p.hostPort), "-m", "comment", "--comment", `${UFW_COMMENT_PREFIX}:${p.service}`],
                target: "RETURN",
            }),
        ),
        ...DOCKER_BRIDGES.map((i): ChainRule => ({ args: ["-o", i], target: "DROP" })),
        { args: [], target: "RETURN" },
    ];
}

/** iptables' multiport match takes at most 15 ports. */
const MULTIPORT_MAX = 15;

/** The egress allowances, one rule per client source and other host, its ports listed in multiport matches. */
function egressRules(egress: EgressRule[]): ChainRule[] {
    const groups = new Map<string, { e: EgressRule; ports: number[] }>();
    for (const e of egress) {
        const key = `${e.source} ${e.address}`;
        const g = groups.get(key) ?? { e, ports: [] };
        if (!g.ports.includes(e.port)) g.ports.push(e.port);
        groups.set(key, g);
    }
    return [...groups.values()].flatMap(({ e, ports }) => {
        const sorted = [...ports].sort((a, b) => a - b);
        const chunks = Array.from({ length: Math.ceil(sorted.length / MULTIPORT_MAX) }, (_, i) => sorted.slice(i * MULTIPORT_MAX, (i + 1) * MULTIPORT_MAX));
        return chunks.map(
            (chunk): ChainRule => ({
                args: ["-s", e.source, "-d", `${e.address}/32`, "-p", "tcp", ...(chunk.length === 1 ? ["--dport", String(chunk[0])] : ["-m", "multiport", "--dports", chunk.join(",")]), "-m", "comment", "--comment", `${UFW_COMMENT_PREFIX}:${e.client}`],
                target: "RETURN",
            }),
        );
    });
}

/**
 * The block appended to /etc/ufw/after.rules. Declaring DOCKER-USER makes ufw create it at boot before Docker does,
 * and flushes it on every ufw reload, so the chain holds exactly these rules (plus what fail2ban inserts after).
 */
export function afterRulesBlock(policy: FirewallPolicy): string {
    const lines = [
        BLOCK_BEGIN,
        "*filter",
        ":DOCKER-USER - [0:0]",
        ...dockerUserRules(policy).map((r) => ["-A", "DOCKER-USER", ...r.args, "-j", r.target].join(" ")),
        "COMMIT",
        BLOCK_END,
    ];
    return lines.join("\n") + "\n";
}

/**
 * A host's part of the connections between hosts (components/crossHost.ts): the ports its apps publish on its private
 * address, each open to the hosts that connect to it; and, for connections its own apps open, which of its
 * containers may leave towards which port of another host (every other container is dropped there).
 */
export function crossHostPolicy(config: Pick<StackConfig, "host" | "hosts" | "networks" | "services">, hostName: string, flows: CrossHostFlow[]): Pick<FirewallPolicy, "published" | "ufw" | "egress" | "peers"> {
    const incoming = flows.filter((f) => f.targetHost === hostName);
    const published: PublishedPort[] = [];
    const ufw: UfwRule[] = [];
    for (const f of incoming) {
        const from = privateAddressOf(config, f.clientHost);
        // A host-network app's port is the host's own socket (UFW, on INPUT); any other is published by Docker.
        if (catalogSpec(f.target).hostNetwork) {
            if (!ufw.some((r) => r.port === f.port && r.from === from)) ufw.push({ action: "allow", port: f.port, protocol: "tcp", reason: f.target, from });
        } else {
            const hostPort = privatePort(catalogSpec(f.target), f.port);
            if (published.some((p) => p.hostPort === hostPort && p.from === from)) continue;
            published.push({ service: f.target, hostPort, containerPort: f.port, protocol: "tcp", from });
            ufw.push({ action: "allow", port: hostPort, protocol: "tcp", reason: f.target, from });
        }
    }
    const egress: EgressRule[] = flows
        .filter((f) => f.clientHost === hostName)
        .flatMap((f) => clientSources(config, f.client).map((source) => ({ client: f.client, target: f.target, source, address: privateAddressOf(config, f.targetHost), port: privatePort(catalogSpec(f.target), f.port) })));
    const peers = hostNames(config).filter((h) => h !== hostName).map((h) => privateAddressOf(config, h));
    return { published, ufw, egress, peers };
}

/** The edge host's firewall: today's single-host policy, plus its part of the connections between hosts. */
export function edgeFirewallPolicy(config: StackConfig): FirewallPolicy {
    const base = firewallPolicy(config, servicesOn(config, EDGE_HOST));
    if (Object.keys(config.hosts).length === 0) return base;
    const cross = crossHostPolicy(config, EDGE_HOST, crossHostFlows(config));
    return { sshPort: base.sshPort, ufw: [...base.ufw, ...cross.ufw], published: [...base.published, ...cross.published], egress: cross.egress, peers: cross.peers };
}

/**
 * The firewall of a host other than the edge host: sshd, what its apps publish to everyone (the torrent port), and
 * the ports other hosts connect to on its private address, each open to those hosts alone. A host-network app
 * (Plex) is not public there: the reverse proxy on the edge host is its way in.
 */
export function otherHostFirewallPolicy(config: StackConfig, hostName: string): FirewallPolicy {
    const host = config.hosts[hostName];
    if (!host) throw new Error(`no host ${hostName} in monsterr:hosts`);
    const placed = servicesOn(config, hostName);
    const base = firewallPolicy({ host, torrentPort: config.torrentPort, services: config.services }, placed);
    const cross = crossHostPolicy(config, hostName, crossHostFlows(config));
    const publicSockets = new Set(placed.filter((n) => catalogSpec(n).hostNetwork).map(String));
    // Tautulli beside Plex reaches Plex's own socket from its network, through INPUT: open it to that network alone.
    const local: UfwRule[] = placed.includes("plex") && placed.includes("tautulli") ? clientSources(config, "tautulli").map((from) => ({ action: "allow", port: catalogSpec("plex").port, protocol: "tcp", reason: "plex", from })) : [];
    return {
        sshPort: base.sshPort,
        ufw: [...base.ufw.filter((r) => !publicSockets.has(r.reason)), ...cross.ufw, ...local],
        published: [...base.published, ...cross.published],
        egress: cross.egress,
        peers: cross.peers,
    };
}
