import { CATALOG, SERVICE_NAMES, ServiceName } from "./catalog";
import { newerTagPattern } from "./catalog/versioning";
import { ALERTING_SECRET_KEYS, validateAlerting } from "./alerting";
import { ConfigError, ConfigIssue } from "./errors";
import { isIPv6 } from "net";
import { MIN_PASSWORD, validateUsers } from "./users";
import { validateBackup } from "./backup";
import { validateVpn } from "./vpn";
import { Bad, bool, int, num, obj, show, str, unknownFields } from "./parse";
import { HostConfig, MonitoringConfig, NetworkConfig, ResolvedService, SecretPresence, StackConfig, StorageConfig, TlsConfig } from "./types";

/** Stack keys, without the `monsterr:` namespace, that hold plain values. */
export const PLAIN_KEYS = ["domain", "adminEmail", "adminUser", "timezone", "puid", "pgid", "umask", "host", "storage", "torrentPort", "tls", "monitoring", "services", "alerting", "networks", "trustedProxies", "users", "backup", "vpn"] as const;
/** Stack keys that must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["sshPrivateKey", "plexClaim", "dnsCredentials", "adminPassword", "userPasswords", "backupS3AccessKeyId", "backupS3SecretAccessKey", "vpnWireguardPrivateKey", "vpnOpenvpnUser", "vpnOpenvpnPassword", ...ALERTING_SECRET_KEYS] as const;

export type RawConfig = Record<string, unknown>;
/** Secret values validation must see (lengths only); they are checked here and never kept. */
export type SecretValuesToCheck = { adminPassword?: string; userPasswords?: unknown };
/** The Authelia admin's own password, when the stack sets one. */
export const MIN_ADMIN_PASSWORD = MIN_PASSWORD;
export type ValidConfig = Omit<StackConfig, "secrets" | "stack">;

const NS = "monsterr";
const k = (key: string) => `${NS}:${key}`;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];
const SAFE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Host ports the stack itself publishes; the torrent port may not collide with them. */
const RESERVED_PORTS = [22, 80, 81, 443, 32400];
/** The longest subdomain the catalog uses must still fit a 253-character name. */
const LONGEST_SUBDOMAIN = Math.max(...CATALOG.map((s) => s.route?.subdomain.length ?? 0));

/**
 * Validates raw stack settings (as `pulumi config` holds them: strings, or parsed JSON objects) and applies
 * defaults. Pure: throws only ConfigError, listing every problem, so nothing is created from a bad config.
 */
export function validateConfig(raw: RawConfig, secrets: SecretPresence = {}, secretValues: SecretValuesToCheck = {}): ValidConfig {
    const issues: ConfigIssue[] = [];
    const bad = (key: string, problem: string, fix: string) => issues.push({ key: k(key), problem, fix });

    for (const key of Object.keys(raw)) {
        if (!(PLAIN_KEYS as readonly string[]).includes(key) && !(SECRET_KEYS as readonly string[]).includes(key)) {
            bad(key, "is not a Monsterr setting", `remove it (pulumi config rm ${k(key)}); known keys: ${[...PLAIN_KEYS, ...SECRET_KEYS].join(", ")}`);
        }
    }

    const domain = str(raw.domain);
    if (domain === undefined) {
        bad("domain", "is required", `pulumi config set ${k("domain")} media.example.com`);
    } else if (!isDomain(domain)) {
        bad("domain", `'${show(domain)}' is not a lower-case DNS name with at least two labels`, "use a name such as media.example.com (or media.localhost for dev)");
    } else if (domain.length + LONGEST_SUBDOMAIN + 1 > 253) {
        bad("domain", "is too long for its subdomains to be valid DNS names", "use a domain of at most 240 characters");
    }

    const adminEmail = str(raw.adminEmail);
    if (adminEmail === undefined) bad("adminEmail", "is required (Let's Encrypt account, proxy admin, Authelia admin)", `pulumi config set ${k("adminEmail")} you@example.com`);
    else if (!/^[^@\s"'\\]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(adminEmail) || adminEmail.length > 254) bad("adminEmail", `'${show(adminEmail)}' is not an e-mail address`, "use an address such as you@example.com");

    const adminUser = str(raw.adminUser) ?? "admin";
    if (!/^[a-z][a-z0-9_-]{1,31}$/.test(adminUser)) bad("adminUser", `'${show(adminUser)}' is not a valid user name`, "use 2-32 characters: a lower-case letter, then letters, digits, '-' or '_'");

    const timezone = str(raw.timezone) ?? "Etc/UTC";
    if (!isTimezone(timezone)) bad("timezone", `'${show(timezone)}' is not an IANA time zone`, "use a name such as Europe/Berlin or Etc/UTC");

    const puid = int(raw.puid, 1000);
    const pgid = int(raw.pgid, 1000);
    for (const [key, v] of [["puid", puid], ["pgid", pgid]] as const) {
        if (v === undefined || v < 1 || v > 2147483646) bad(key, `'${show(raw[key])}' is not a non-root numeric id`, "use the id of the host user/group that owns the media (id -u / id -g), never 0");
    }

    const umaskRaw = str(raw.umask) ?? "002";
    const umask = /^0?[0-7]{3}$/.test(umaskRaw) ? umaskRaw.slice(-3) : undefined;
    if (umask === undefined) bad("umask", `'${show(umaskRaw)}' is not an octal umask`, "use 002 (group-writable, the TRaSH default) or 022");

    const host = validateHost(raw.host, bad);
    const storage = validateStorage(raw.storage, bad);

    const torrentPort = int(raw.torrentPort, 6881);
    if (torrentPort === undefined || torrentPort < 1024 || torrentPort > 65535 || RESERVED_PORTS.includes(torrentPort)) {
        bad("torrentPort", `'${show(raw.torrentPort)}' is not a free unprivileged port`, `use a port from 1024 to 65535 other than ${RESERVED_PORTS.join(", ")}`);
    }

    const tls = validateTls(raw.tls, domain, secrets, bad);
    const vpn = validateVpn(raw.vpn, secrets, bad);
    const services = validateServices(raw.services, vpn?.enabled === true, bad);
    const monitoring = validateMonitoring(raw.monitoring, bad);
    const networks = validateNetworks(raw.networks, bad);
    const alerting = validateAlerting(raw.alerting, secrets, bad);
    const trustedProxies = validateTrustedProxies(raw.trustedProxies, bad);

    if (host?.kind === "ssh" && secrets.sshPrivateKey === false) {
        // presence false means "set but not as a secret"; see load.ts
        bad("sshPrivateKey", "is stored in plain text", `set it again with: pulumi config set --secret ${k("sshPrivateKey")} < ~/.ssh/id_ed25519`);
    }
    for (const key of ["plexClaim", "dnsCredentials", "adminPassword"] as const) {
        if (secrets[key] === false) bad(key, "is stored in plain text", `set it again with: pulumi config set --secret ${k(key)} ...`);
    }
    // The value itself is never named in the message.
    if (secretValues.adminPassword !== undefined && secretValues.adminPassword.length < MIN_ADMIN_PASSWORD) {
        bad("adminPassword", `has ${secretValues.adminPassword.length} characters, fewer than ${MIN_ADMIN_PASSWORD}`, `choose a longer one (pulumi config set --secret ${k("adminPassword")}), or remove it for a generated one`);
    }

    const passwords = secretValues.userPasswords === undefined ? undefined : obj(secretValues.userPasswords);
    if (secretValues.userPasswords !== undefined && !passwords) bad("userPasswords", "must be an object of user name -> password", `pulumi config set --secret --path '${k("userPasswords.alice")}' ...`);
    const users = validateUsers(raw.users, adminUser, passwords as Record<string, string> | undefined, secrets.userPasswords, bad);

    const backup = validateBackup(raw.backup, host, secrets, storage ? [storage.configRoot, storage.dataRoot] : [], bad);

    if (issues.length > 0 || !domain || !adminEmail || !host || !storage || !tls || !services || !umask || !monitoring || !alerting || !networks || !trustedProxies || !users || !backup || !vpn) throw new ConfigError(issues);
    return { domain, adminEmail, adminUser, timezone, puid: puid!, pgid: pgid!, umask, host, storage, torrentPort: torrentPort!, tls, monitoring, alerting, networks, services, trustedProxies, users, backup, vpn };
}

function validateHost(value: unknown, bad: Bad): HostConfig | undefined {
    if (value === undefined) return { kind: "local", dockerHost: "unix:///var/run/docker.sock" };
    const o = obj(value);
    if (!o) {
        bad("host", "must be an object", `pulumi config set --path ${k("host.type")} ssh (or local)`);
        return undefined;
    }
    unknownFields(o, ["type", "dockerHost", "address", "port", "sshdPort", "user", "hostKey", "memoryMb"], "host", bad);
    const type = o.type ?? "local";
    // Only the plan reads it: a warning when the apps' memory limits add up to far more than the host has.
    const memoryMb = o.memoryMb === undefined ? undefined : int(o.memoryMb, 0);
    if (o.memoryMb !== undefined && (memoryMb === undefined || memoryMb < 1024 || memoryMb > 16777216)) {
        bad("host.memoryMb", `'${show(o.memoryMb)}' is not the host's memory in MiB`, "use the MemTotal of the host in MiB (free -m), e.g. 7936 for an 8 GB box, or leave it unset");
        return undefined;
    }
    const memory = memoryMb === undefined ? {} : { memoryMb };
    if (type === "local") {
        const dockerHost = str(o.dockerHost) ?? "unix:///var/run/docker.sock";
        if (!/^unix:\/\/\/[A-Za-z0-9._/-]+$/.test(dockerHost)) {
            bad("host.dockerHost", `'${show(dockerHost)}' is not a unix socket URL`, "use unix:///var/run/docker.sock (remote daemons go through host.type ssh)");
            return undefined;
        }
        return { kind: "local", dockerHost, ...memory };
    }
    if (type !== "ssh") {
        bad("host.type", `'${show(type)}' is not a host type`, "use local (this machine's Docker) or ssh (a remote Linux host)");
        return undefined;
    }
    const address = str(o.address);
    const user = str(o.user) ?? "root";
    const port = int(o.port, 22);
    // The port sshd listens on, on the host itself: differs from `port` behind port forwarding or a bastion.
    const sshdPort = int(o.sshdPort, port ?? 22);
    const hostKey = str(o.hostKey);
    let ok = true;
    if (!address || !(isDomain(address) || isIPv4(address) || /^[a-z0-9-]{1,63}$/.test(address))) {
        bad("host.address", address ? `'${show(address)}' is not a host name or IPv4 address` : "is required for an ssh host", `pulumi config set --path ${k("host.address")} media.example.com`);
        ok = false;
    }
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
        bad("host.user", `'${show(user)}' is not a Unix user name`, "use the login that may run docker and sudo, e.g. deploy");
        ok = false;
    }
    if (port === undefined || port < 1 || port > 65535) {
        bad("host.port", `'${show(o.port)}' is not a TCP port`, "use the port Pulumi connects to, usually 22");
        ok = false;
    }
    if (sshdPort === undefined || sshdPort < 1 || sshdPort > 65535) {
        bad("host.sshdPort", `'${show(o.sshdPort)}' is not a TCP port`, "use the port sshd listens on, on the host (sshd -T | grep '^port'); leave it unset when it is host.port");
        ok = false;
    } else if (RESERVED_PORTS.filter((p) => p !== 22).includes(sshdPort)) {
        bad("host.sshdPort", `${sshdPort} is a port the stack publishes for its own services`, "move sshd to another port, e.g. 22 or 2222");
        ok = false;
    }
    if (!hostKey || !isHostKey(hostKey)) {
        bad("host.hostKey", hostKey ? "is not an OpenSSH public host key" : "is required: the host key is pinned, never trusted on first use", `run ssh-keyscan -t ed25519 <host>, check the fingerprint on the host's console, then: pulumi config set --path ${k("host.hostKey")} "ssh-ed25519 AAAA..."`);
        ok = false;
    }
    return ok ? { kind: "ssh", address: address!, user, port: port!, sshdPort: sshdPort!, hostKey: hostKey!.split(/\s+/).slice(0, 2).join(" "), ...memory } : undefined;
}

function validateStorage(value: unknown, bad: Bad): StorageConfig | undefined {
    const o = value === undefined ? {} : obj(value);
    if (!o) {
        bad("storage", "must be an object", `pulumi config set --path ${k("storage.dataRoot")} /data`);
        return undefined;
    }
    unknownFields(o, ["configRoot", "dataRoot"], "storage", bad);
    const configRoot = str(o.configRoot) ?? "/opt/monsterr";
    const dataRoot = str(o.dataRoot) ?? "/data";
    let ok = true;
    for (const [key, p] of [["storage.configRoot", configRoot], ["storage.dataRoot", dataRoot]] as const) {
        if (!SAFE_PATH.test(p) || p.split("/").some((part) => part === "." || part === "..")) {
            bad(key, `'${show(p)}' is not a plain absolute path`, "use an absolute path of letters, digits, '.', '_', '-' without a trailing slash, e.g. /data");
            ok = false;
        }
    }
    if (ok && (within(configRoot, dataRoot) || within(dataRoot, configRoot))) {
        bad("storage", "configRoot and dataRoot overlap", "keep app state and media in separate trees, e.g. /opt/monsterr and /data");
        ok = false;
    }
    return ok ? { configRoot, dataRoot } : undefined;
}

function validateTls(value: unknown, domain: string | undefined, secrets: SecretPresence, bad: Bad): TlsConfig | undefined {
    const local = domain !== undefined && /(^|\.)(localhost|test|internal|lan|home\.arpa)$/.test(domain);
    if (value === undefined) return local ? { mode: "selfsigned" } : { mode: "letsencrypt", challenge: "http" };
    const o = obj(value);
    if (!o) {
        bad("tls", "must be an object", `pulumi config set --path ${k("tls.mode")} letsencrypt`);
        return undefined;
    }
    unknownFields(o, ["mode", "challenge", "dnsProvider"], "tls", bad);
    if (o.mode === "selfsigned") return { mode: "selfsigned" };
    if (o.mode !== "letsencrypt") {
        bad("tls.mode", `'${show(o.mode)}' is not a TLS mode`, "use letsencrypt (public domain) or selfsigned (local CA, dev)");
        return undefined;
    }
    if (local) {
        bad("tls.mode", `Let's Encrypt cannot issue for '${domain}'`, "use tls.mode selfsigned for a local domain, or a public domain");
        return undefined;
    }
    const challenge = o.challenge ?? "http";
    if (challenge === "http") return { mode: "letsencrypt", challenge: "http" };
    if (challenge !== "dns") {
        bad("tls.challenge", `'${show(challenge)}' is not an ACME challenge`, "use http (port 80 reachable) or dns (with tls.dnsProvider)");
        return undefined;
    }
    const dnsProvider = str(o.dnsProvider);
    if (!dnsProvider || !/^[a-z0-9_]{2,40}$/.test(dnsProvider)) {
        bad("tls.dnsProvider", "is required for the dns challenge", "use the Nginx Proxy Manager DNS provider id, e.g. cloudflare");
        return undefined;
    }
    if (!secrets.dnsCredentials) {
        bad("dnsCredentials", "is required for the dns challenge", `pulumi config set --secret ${k("dnsCredentials")} "dns_cloudflare_api_token = ..."`);
        return undefined;
    }
    return { mode: "letsencrypt", challenge: "dns", dnsProvider };
}

function validateMonitoring(value: unknown, bad: Bad): MonitoringConfig | undefined {
    const o = value === undefined ? {} : obj(value);
    if (!o) {
        bad("monitoring", "must be an object", `pulumi config set --path ${k("monitoring.retentionTime")} 30d`);
        return undefined;
    }
    unknownFields(o, ["retentionTime", "retentionSize", "updateCheck", "updatesOverdueDays"], "monitoring", bad);
    const retentionTime = str(o.retentionTime) ?? "30d";
    const retentionSize = str(o.retentionSize) ?? "10GB";
    const updateCheck = str(o.updateCheck) ?? "17 */6 * * *";
    const updatesOverdueDays = int(o.updatesOverdueDays, 14);
    let ok = true;
    if (!CRON_HOURLY_AT_MOST.test(updateCheck)) {
        bad("monitoring.updateCheck", `'${show(o.updateCheck)}' is not a five-field cron schedule with a fixed minute`, "use e.g. '17 */6 * * *' (every 6 hours): at most hourly, so registries' rate limits are never near");
        ok = false;
    }
    if (updatesOverdueDays === undefined || updatesOverdueDays < 1 || updatesOverdueDays > 365) {
        bad("monitoring.updatesOverdueDays", `'${show(o.updatesOverdueDays)}' is not a number of days`, "use a whole number from 1 to 365, e.g. 14");
        ok = false;
    }
    if (!/^[1-9]\d{0,4}(h|d|w|y)$/.test(retentionTime)) {
        bad("monitoring.retentionTime", `'${show(retentionTime)}' is not a Prometheus duration`, "use a whole number of hours, days, weeks or years, e.g. 30d");
        ok = false;
    }
    if (!/^[1-9]\d{0,5}(MB|GB|TB)$/.test(retentionSize)) {
        bad("monitoring.retentionSize", `'${show(retentionSize)}' is not a Prometheus size`, "use a whole number of MB, GB or TB, e.g. 10GB");
        ok = false;
    }
    return ok ? { retentionTime, retentionSize, updateCheck, updatesOverdueDays: updatesOverdueDays! } : undefined;
}

/** A cron field: `*`, a number or range, with an optional step, comma-separated. */
const CRON_FIELD = String.raw`(?:\*|\d{1,2}(?:-\d{1,2})?)(?:\/\d{1,2})?(?:,(?:\*|\d{1,2}(?:-\d{1,2})?)(?:\/\d{1,2})?)*`;
/** Minute, hour, day of month, month, day of week; the minute one plain number, so it runs at most hourly. */
const CRON_HOURLY_AT_MOST = new RegExp(String.raw`^[0-5]?\d ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD}$`);

const PRIVATE_RANGES: [number, number][] = [
    [0x0a000000, 8], // 10.0.0.0/8
    [0xac100000, 12], // 172.16.0.0/12
    [0xc0a80000, 16], // 192.168.0.0/16
];

function validateNetworks(value: unknown, bad: Bad): NetworkConfig | undefined {
    const o = value === undefined ? {} : obj(value);
    if (!o) {
        bad("networks", "must be an object", `pulumi config set --path ${k("networks.proxySubnet")} 172.30.10.0/24`);
        return undefined;
    }
    unknownFields(o, ["proxySubnet", "backendSubnet"], "networks", bad);
    const result = { proxySubnet: str(o.proxySubnet) ?? "172.30.10.0/24", backendSubnet: str(o.backendSubnet) ?? "172.30.11.0/24" };
    const parsed = Object.entries(result).map(([key, cidr]) => {
        const c = parseCidr(cidr);
        if (!c || c.prefix < 16 || c.prefix > 24 || !PRIVATE_RANGES.some(([base, bits]) => c.prefix >= bits && (c.base & mask(bits)) >>> 0 === base)) {
            // proxySubnet holds a /29 per edge network; backendSubnet a quarter per internal network.
            bad(`networks.${key}`, `'${show(cidr)}' is not a private IPv4 network from /16 to /24`, "use a free private range such as 172.30.10.0/24 that no host network or VPN uses");
            return undefined;
        }
        return c;
    });
    if (!parsed[0] || !parsed[1]) return undefined;
    const [a, b] = parsed;
    const shared = mask(Math.min(a.prefix, b.prefix));
    const overlap = (a.base & shared) >>> 0 === (b.base & shared) >>> 0;
    if (overlap) {
        bad("networks", "proxySubnet and backendSubnet overlap", "use two separate ranges, e.g. 172.30.10.0/24 and 172.30.11.0/24");
        return undefined;
    }
    return result;
}

/** `a.b.c.d/n` with the host bits zero; `base` as an unsigned 32-bit number. */
export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((x) => x > 255) || prefix > 32) return undefined;
    const base = octets.reduce((acc, x) => acc * 256 + x, 0);
    return (base & mask(prefix)) >>> 0 === base ? { base, prefix } : undefined;
}

function mask(bits: number): number {
    return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function validateServices(value: unknown, vpn: boolean, bad: Bad): Record<ServiceName, ResolvedService> | undefined {
    const o = value === undefined ? {} : obj(value);
    if (!o) {
        bad("services", "must be an object of service name to settings", `pulumi config set --path ${k("services.plex.enabled")} false`);
        return undefined;
    }
    let ok = true;
    for (const name of Object.keys(o)) {
        if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
            bad(`services.${name}`, "is not a Monsterr service", `use one of: ${SERVICE_NAMES.join(", ")}`);
            ok = false;
        }
    }
    const result = {} as Record<ServiceName, ResolvedService>;
    for (const s of CATALOG) {
        const key = `services.${s.name}`;
        const raw = o[s.name];
        const ov = raw === undefined ? {} : obj(raw);
        if (!ov) {
            bad(key, "must be an object", `pulumi config set --path ${k(`${key}.enabled`)} true`);
            ok = false;
            continue;
        }
        unknownFields(ov, ["enabled", "tag", "memoryMb", "cpus", "devices"], key, bad);
        // The VPN container follows monsterr:vpn, which carries its settings; saying the same here is harmless.
        if (s.vpnFor && ov.enabled !== undefined && bool(ov.enabled, vpn) !== vpn) {
            bad(`${key}.enabled`, `is ${show(ov.enabled)} but follows monsterr:vpn`, `remove it (pulumi config rm --path ${k(`${key}.enabled`)}) and set ${k("vpn.provider")} (or vpn.enabled false) instead`);
            ok = false;
        }
        const enabled = s.vpnFor ? vpn : bool(ov.enabled, s.enabledByDefault);
        if (enabled === undefined) {
            bad(`${key}.enabled`, `'${show(ov.enabled)}' is not true or false`, `pulumi config set --path ${k(`${key}.enabled`)} false`);
            ok = false;
        }
        const tag = str(ov.tag) ?? s.image.tag;
        if (tag === "latest" || !(TAG.test(tag) || DIGEST.test(tag))) {
            bad(`${key}.tag`, tag === "latest" ? "may not be latest: updates must be deliberate" : `'${show(tag)}' is not an image tag or sha256 digest`, `pin a version, e.g. ${s.image.tag}`);
            ok = false;
        } else if (!DIGEST.test(tag) && !newerTagPattern({ repository: s.image.repository, tag })) {
            bad(`${key}.tag`, `'${show(tag)}' is not shaped like ${s.name}'s version tags, so no update could ever be noticed for it`, `pin a tag shaped like ${s.image.tag}, or a sha256: digest`);
            ok = false;
        }
        const memoryMb = int(ov.memoryMb, s.memoryMb);
        if (memoryMb === undefined || memoryMb < 64 || memoryMb > 262144) {
            bad(`${key}.memoryMb`, `'${show(ov.memoryMb)}' is not a memory limit in MiB`, `use a whole number from 64 to 262144 (default ${s.memoryMb})`);
            ok = false;
        }
        const cpusNum = ov.cpus === undefined ? undefined : num(ov.cpus);
        if (ov.cpus !== undefined && (cpusNum === undefined || cpusNum < 0.01 || cpusNum > 256)) {
            bad(`${key}.cpus`, `'${show(ov.cpus)}' is not a CPU count`, "use a number such as 0.5 or 2");
            ok = false;
        }
        const devices = ov.devices === undefined ? undefined : Array.isArray(ov.devices) ? ov.devices : typeof ov.devices === "string" ? parseList(ov.devices) : undefined;
        if (ov.devices !== undefined && (!devices || !devices.every((d) => typeof d === "string" && /^\/dev\/[A-Za-z0-9._/-]+$/.test(d) && !d.includes("..")))) {
            bad(`${key}.devices`, `'${show(ov.devices)}' is not a list of device paths`, `list host devices under /dev, e.g. pulumi config set --path '${k(`${key}.devices[0]`)}' /dev/dri (Intel/AMD hardware transcoding)`);
            ok = false;
        }
        result[s.name] = {
            enabled: enabled ?? false,
            image: { repository: s.image.repository, tag },
            memoryMb: memoryMb ?? s.memoryMb,
            ...(cpusNum === undefined ? {} : { cpus: String(Math.round(cpusNum * 100) / 100) }),
            ...(devices && ok ? { devices: devices as string[] } : {}),
            ...(vpn && CATALOG.some((g) => g.vpnFor === s.name) ? { behindVpn: true } : {}),
        };
    }
    if (!ok) return undefined;
    // A companion (exporter) follows the services it serves unless the stack sets it explicitly.
    for (const s of CATALOG) {
        const off = (s.companionOf ?? []).filter((p) => !result[p].enabled);
        if (!result[s.name].enabled || off.length === 0) continue;
        if (obj(o[s.name])?.enabled === undefined) {
            result[s.name].enabled = false;
        } else {
            bad(`services.${s.name}.enabled`, `is true but ${s.name} only works with ${off.join(", ")}`, `enable ${off.join(", ")}, or remove services.${s.name}.enabled`);
            ok = false;
        }
    }
    for (const s of CATALOG) {
        if (!result[s.name].enabled) continue;
        for (const dep of s.requires ?? []) {
            if (!result[dep].enabled) {
                bad(`services.${dep}.enabled`, `is false but ${s.name} needs ${dep}`, `enable ${dep}, or disable ${s.name} too (pulumi config set --path ${k(`services.${s.name}.enabled`)} false)`);
                ok = false;
            }
        }
    }
    return ok ? result : undefined;
}

/** A JSON list given as text (how the CLI stores `--path` lists), or undefined. */
function parseList(text: string): unknown[] | undefined {
    try {
        const v = JSON.parse(text) as unknown;
        return Array.isArray(v) ? v : undefined;
    } catch {
        return undefined;
    }
}

/** CIDRs whose X-Forwarded-For the reverse proxy believes; none by default (the TCP peer is the client). */
function validateTrustedProxies(value: unknown, bad: Bad): string[] | undefined {
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : typeof value === "string" ? parseList(value) : undefined;
    if (!Array.isArray(list)) {
        bad("trustedProxies", "must be a list of CIDR ranges", `pulumi config set --path '${k("trustedProxies[0]")}' 173.245.48.0/20 (only proxies that overwrite X-Forwarded-For, e.g. Cloudflare's ranges)`);
        return undefined;
    }
    let ok = true;
    list.forEach((entry, i) => {
        const cidr = typeof entry === "string" ? entry.trim() : undefined;
        const problem = cidr === undefined ? "is not a string" : trustedCidrProblem(cidr);
        if (problem) {
            bad(`trustedProxies[${i}]`, `'${show(entry)}' ${problem}`, "use the exact ranges of the proxy in front of this server, e.g. 173.245.48.0/20; never 0.0.0.0/0");
            ok = false;
        }
    });
    return ok ? (list as string[]).map((c) => c.trim()) : undefined;
}

function trustedCidrProblem(cidr: string): string | undefined {
    const v4 = parseCidr(cidr);
    if (v4) return v4.prefix < 8 ? "is wider than /8: it would let most of the internet choose its own address" : undefined;
    const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
    if (m && isIPv6(m[1]) && Number(m[2]) <= 128) return Number(m[2]) < 16 ? "is wider than /16: it would let most of the internet choose its own address" : undefined;
    return "is not an IPv4 or IPv6 CIDR range with its host bits zero";
}

function within(parent: string, child: string): boolean {
    return child === parent || child.startsWith(parent + "/");
}
function isDomain(d: string): boolean {
    const labels = d.split(".");
    return d.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}
function isIPv4(a: string): boolean {
    const parts = a.split(".");
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
function isTimezone(tz: string): boolean {
    if (!/^[A-Za-z_+\-/0-9]{1,64}$/.test(tz)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}
function isHostKey(key: string): boolean {
    const [type, blob] = key.trim().split(/\s+/);
    if (!HOST_KEY_TYPES.includes(type) || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return false;
    const bytes = Buffer.from(blob, "base64");
    if (bytes.length < 4) return false;
    const len = bytes.readUInt32BE(0);
    return bytes.subarray(4, 4 + len).toString("latin1") === type;
}
