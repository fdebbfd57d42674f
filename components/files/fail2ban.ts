import { StackConfig } from "../../config/types";
import { ServiceName } from "../../config/catalog";
import { EDGE_ACCESS_LOG } from "../edge/authSnippet";
import { firewallPolicy } from "../edge/ufwRules";
import { FileBuilder } from "./types";

// ---- a small INI serializer for fail2ban's ConfigParser dialect ----

/** A list is one value over several lines (failregex, logpath); `%` is always escaped, monsterr uses no interpolation. */
export type IniValue = string | number | boolean | readonly string[];
export interface IniSection {
    name: string;
    entries: readonly (readonly [string, IniValue])[];
}

function iniScalar(v: string | number | boolean): string {
    const s = String(v);
    if (/[\r\n]/.test(s)) throw new Error(`INI value spans lines: ${JSON.stringify(s)}`);
    return s.replace(/%/g, "%%");
}

export function serializeIni(sections: readonly IniSection[]): string {
    return sections
        .map((sec) => {
            if (!/^[\w-]+$/.test(sec.name)) throw new Error(`bad INI section name ${sec.name}`);
            const lines = [`[${sec.name}]`];
            for (const [key, value] of sec.entries) {
                if (!/^[a-z_]+$/.test(key)) throw new Error(`bad INI key ${key}`);
                if (typeof value === "object") {
                    const [first, ...rest] = value.map(iniScalar);
                    lines.push(first === undefined ? `${key} =` : `${key} = ${first}`);
                    // Continuation lines are indented past the key, which is how ConfigParser joins them.
                    for (const r of rest) lines.push(`${" ".repeat(key.length + 3)}${r}`);
                } else {
                    lines.push(`${key} = ${iniScalar(value)}`);
                }
            }
            return lines.join("\n") + "\n";
        })
        .join("\n");
}

// ---- typed fail2ban model ----

export interface Fail2banFilter {
    name: string;
    failregex: readonly string[];
    ignoreregex: readonly string[];
}

/** fail2ban's own `iptables-multiport` action: a chain `f2b-<name>` jumped to from `chain` for the given ports. */
export interface BanAction {
    ports: readonly number[];
    protocol: "tcp";
    /** INPUT for the host's own daemons, DOCKER-USER for published containers (ports after DNAT). */
    chain: "INPUT" | "DOCKER-USER";
    /**
     * False on a local (dev) Docker host: bans are only recorded (fail2ban's `dummy` action), because iptables
     * there is the developer's own workstation firewall.
     */
    enforce: boolean;
}

export interface Fail2banJail {
    name: string;
    filter: string;
    logpath: readonly string[];
    maxretry: number;
    findtime: string;
    bantime: string;
    ban: BanAction;
}

/**
 * Paths inside the fail2ban container (see the catalog entry's volumes). Each exists before the container starts,
 * whatever the order on a fresh host: fail2ban 1.1.0 refuses its whole configuration when one jail finds no log
 * (fail2ban/client/jailreader.py, "Have not found any log file"), so a missing file would stop every jail.
 * - auth.log: created by the host preparation on an ssh host (Debian 12 writes it once rsyslog is installed);
 * - authelia.log: seeded in Authelia's folder (Authelia logs to /config/logs/authelia.log);
 * - the proxy log: every proxy host also logs to one file, seeded in NPM's /data/logs (see authSnippet.ts). Not
 *   NPM's per-host logs, which appear only once a host exists, nor its fallback log, whose client address a
 *   forged X-Real-IP from any private network decides (NPM's http-level set_real_ip_from).
 */
export const LOGS = {
    sshd: "/var/log/auth.log",
    authelia: "/logs/authelia/authelia.log",
    proxy: `/logs/proxy/${EDGE_ACCESS_LOG.split("/").pop()}`,
} as const;

/** A quoted logrus value: escaped quotes stay inside it, so a username cannot fake a field that follows. */
const Q = String.raw`"(?:[^"\\]|\\.)*"`;
const QBODY = String.raw`(?:[^"\\]|\\.)*`;
const AUTHELIA_MSG = String.raw`Unsuccessful [\w-]+ authentication attempt by user '${QBODY}'(?: and they are banned until ${QBODY})?`;

/**
 * Authelia's failed 1FA/TOTP/WebAuthn/Duo/Passkey attempts and attempts by banned users, in its text (logrus
 * `key=value`) and JSON formats; `remote_ip` must be a field of its own, never text inside the message.
 */
export const AUTHELIA_FILTER: Fail2banFilter = {
    name: "monsterr-authelia",
    failregex: [
        String.raw`^.*?\smsg="${AUTHELIA_MSG}"(?:\s+\w+=(?:${Q}|[^"\s]*))*?\s+remote_ip="?<ADDR>"?(?:\s|$)`,
        String.raw`^\{.*?"msg":"${AUTHELIA_MSG}".*?[{,]"remote_ip":"<ADDR>"`,
        String.raw`^\{(?:.*?,)?"remote_ip":"<ADDR>".*?,"msg":"${AUTHELIA_MSG}"`,
    ],
    ignoreregex: [],
};

/**
 * What the proxy jail is for: clients the edge keeps refusing. In NPM's `proxy` format
 * (`[time] cache upstream status - METHOD scheme host "uri" [Client ip] ...`) it counts 400 (a non-canonical path,
 * refused before Authelia), 401 (an app rejecting an API key on a bypass path), 403 (Authelia's deny, NPM's
 * exploit filter) and 421 (a request naming another site). Signed-out visits to a protected app are not
 * counted: they log 302 (error_page 401 =302 to the portal), which every user sees after a session expires;
 * password guessing is the Authelia jail's. fail2ban cuts the matched date out of the line first, so what is left
 * of its brackets is optional. nginx writes a `"` inside the URI or user agent as `\x22`, so those fields cannot
 * fake a status or a `[Client ...]`.
 */
export const PROXY_FILTER: Fail2banFilter = {
    name: "monsterr-proxy",
    failregex: [String.raw`^\s*\[?\]?\s*(?:[\w.:,-]+\s+)*?(?:400|401|403|421)\s+-\s+[A-Z]+\s+\S+\s+\S+\s+"[^"]*"\s+\[Client\s+<ADDR>\]`],
    ignoreregex: [],
};

export const FILTERS: readonly Fail2banFilter[] = [AUTHELIA_FILTER, PROXY_FILTER];

/** The jails of a stack: sshd only on an ssh host, the container jails only when the proxy publishes ports. */
export function fail2banJails(config: Pick<StackConfig, "host" | "torrentPort">, enabled: readonly ServiceName[]): Fail2banJail[] {
    const policy = firewallPolicy(config, enabled);
    // Authelia is reached only through the proxy, so both container jails ban the proxy's container ports.
    const proxyPorts = [...new Set(policy.published.filter((p) => p.service === "nginx-proxy-manager").map((p) => p.containerPort))];
    const jails: Fail2banJail[] = [];
    if (config.host.kind === "ssh") {
        jails.push({ name: "sshd", filter: "sshd", logpath: [LOGS.sshd], maxretry: 5, findtime: "10m", bantime: "1h", ban: { ports: [policy.sshPort], protocol: "tcp", chain: "INPUT", enforce: true } });
    }
    if (proxyPorts.length) {
        const ban: BanAction = { ports: proxyPorts, protocol: "tcp", chain: "DOCKER-USER", enforce: config.host.kind === "ssh" };
        if (enabled.includes("authelia")) {
            jails.push({ name: "monsterr-authelia", filter: AUTHELIA_FILTER.name, logpath: [LOGS.authelia], maxretry: 5, findtime: "10m", bantime: "1h", ban });
        }
        // A flood, not a typo: a user mistyping a password a few times must not lose access to every app.
        jails.push({ name: "monsterr-proxy", filter: PROXY_FILTER.name, logpath: [LOGS.proxy], maxretry: 30, findtime: "2m", bantime: "1h", ban });
    }
    return jails;
}

export function jailSections(jails: readonly Fail2banJail[]): IniSection[] {
    return [
        {
            name: "DEFAULT",
            entries: [
                // Distribution defaults may point sshd at the journal, which the container cannot read.
                ["backend", "auto"],
                ["ignoreip", "127.0.0.1/8 ::1"],
            ],
        },
        ...jails.map(
            (j): IniSection => ({
                name: j.name,
                entries: [
                    ["enabled", true],
                    ["filter", j.filter],
                    ["logpath", j.logpath],
                    ["port", j.ban.ports.join(",")],
                    ["protocol", j.ban.protocol],
                    ["chain", j.ban.chain],
                    ["maxretry", j.maxretry],
                    ["findtime", j.findtime],
                    ["bantime", j.bantime],
                    ["action", j.ban.enforce ? `iptables-multiport[name=${j.name}, port="${j.ban.ports.join(",")}", protocol=${j.ban.protocol}, chain=${j.ban.chain}]` : `dummy[name=${j.name}]`],
                ],
            }),
        ),
    ];
}

export function filterSections(f: Fail2banFilter): IniSection[] {
    return [{ name: "Definition", entries: [["failregex", f.failregex], ["ignoreregex", f.ignoreregex]] }];
}

/** Where the start script sits in the container (the fail2ban folder is mounted at /data). */
const START_SCRIPT = "monsterr-start.sh";
export const FAIL2BAN_START = `/data/${START_SCRIPT}`;

/**
 * The container's entrypoint: picks the iptables backend in which the host's Docker keeps DOCKER-USER, then hands
 * over to the image's own entrypoint. The image (crazymax/fail2ban 1.1.0, entrypoint.sh) stays on iptables-nft
 * unless `iptables -L` fails, so on a host whose Docker and UFW use iptables-legacy every ban would go to an nft
 * chain that container traffic never passes (or fail: no DOCKER-USER there). Where both backends have the chain,
 * the one holding Monsterr's firewall rules wins.
 */
export function fail2banStartScript(): string {
    return [
        "#!/bin/sh",
        "# monsterr: run fail2ban with the iptables backend of the host's DOCKER-USER chain.",
        "# `iptables` is the image's default (nft) until its entrypoint switches; xtables-legacy-multi is the legacy one.",
        "chain() { \"$@\" -w -n -L DOCKER-USER >/dev/null 2>&1; }",
        "ours() { \"$@\" -t filter 2>/dev/null | grep -q -- '^-A DOCKER-USER .*monsterr:'; }",
        "if chain xtables-legacy-multi iptables && { ! chain iptables || { ours xtables-legacy-multi iptables-save && ! ours iptables-save; }; }; then",
        "  IPTABLES_MODE=legacy",
        "else",
        "  IPTABLES_MODE=nft",
        "fi",
        "export IPTABLES_MODE",
        'echo "monsterr: iptables backend $IPTABLES_MODE"',
        'exec /entrypoint.sh "$@"',
        "",
    ].join("\n");
}

/** jail.d and filter.d for the crazymax/fail2ban container's /data (it links them into /etc/fail2ban), and its start script. */
export const fail2banFiles: FileBuilder = ({ config, enabled }) => {
    const jails = fail2banJails(config, enabled);
    const used = new Set(jails.map((j) => j.filter));
    return [
        { path: START_SCRIPT, content: fail2banStartScript(), mode: "0755" },
        { path: "jail.d/monsterr.local", content: serializeIni(jailSections(jails)) },
        ...FILTERS.filter((f) => used.has(f.name)).map((f) => ({ path: `filter.d/${f.name}.conf`, content: serializeIni(filterSections(f)) })),
    ];
};
