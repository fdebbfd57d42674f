import { CATALOG, ServiceName, ServiceSpec, resolvePort } from "../../config/catalog";
import { StackConfig } from "../../config/types";

export type Protocol = "tcp" | "udp";

/** One UFW rule on INPUT: the host's own sockets (sshd, host-network containers) and, by convention, published ports. */
export interface UfwRule {
    action: "allow";
    port: number;
    protocol: Protocol;
    /** Who needs it; also the rule's UFW comment, which marks it as monsterr's. */
    reason: string;
}

/** A port Docker publishes (DNAT from the host port to the container port); reaches the container through FORWARD. */
export interface PublishedPort {
    service: ServiceName;
    hostPort: number;
    containerPort: number;
    protocol: Protocol;
}

/** The whole network exposure of the host, derived from the catalog and the host config: the firewall's one input. */
export interface FirewallPolicy {
    sshPort: number;
    ufw: UfwRule[];
    published: PublishedPort[];
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
    return `${r.action} ${r.port}/${r.protocol} comment '${UFW_COMMENT_PREFIX} ${r.reason}'`;
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
        ...DOCKER_BRIDGES.map((i): ChainRule => ({ args: ["-i", i], target: "RETURN" })),
        ...policy.published.map(
            (p): ChainRule => ({
                args: ["-p", p.protocol, "-m", "conntrack", "--ctstate", "DNAT", "--ctorigdstport", String(p.hostPort), "-m", "comment", "--comment", `${UFW_COMMENT_PREFIX}:${p.service}`],
                target: "RETURN",
            }),
        ),
        ...DOCKER_BRIDGES.map((i): ChainRule => ({ args: ["-o", i], target: "DROP" })),
        { args: [], target: "RETURN" },
    ];
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
