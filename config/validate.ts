import { CATALOG, SERVICE_NAMES, ServiceName } from "./catalog";
import { newerTagPattern } from "./catalog/versioning";
import { validateAlerting } from "./alerting";
import { ConfigError, ConfigIssue } from "./errors";
import { validateUsers } from "./users";
import { validateBackup } from "./backup";
import { validateVpn } from "./vpn";
import { Bad, obj, show } from "./parse";
import { parseCidr, mask, within } from "./schema/formats";
import { read, readFields, readList, readMap, readObject } from "./schema/setting";
import { HOST, HOST_NAME, MIN_PASSWORD, REMOTE_HOST, SERVICE, SETTINGS } from "./schema/settings";
import { EDGE_HOST, HostConfig, MonitoringConfig, NetworkConfig, RemoteHostConfig, ResolvedService, SecretPresence, StackConfig, StorageConfig, TlsConfig } from "./types";
import { placeServices, validatePrivateAddresses } from "./validatePlacement";

export { parseCidr };

/** Stack keys, without the `monsterr:` namespace, that hold plain values. */
export const PLAIN_KEYS = Object.entries(SETTINGS).filter(([, s]) => s.type !== "secret").map(([key]) => key);
/** Stack keys that must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = Object.entries(SETTINGS).filter(([, s]) => s.type === "secret").map(([key]) => key) as (keyof StackConfig["secrets"])[];

export type RawConfig = Record<string, unknown>;
/** Secret values validation must see (lengths only); they are checked here and never kept. */
export type SecretValuesToCheck = { adminPassword?: string; userPasswords?: unknown };
/** The Authelia admin's own password, when the stack sets one. */
export const MIN_ADMIN_PASSWORD = MIN_PASSWORD;
export type ValidConfig = Omit<StackConfig, "secrets" | "stack">;

const NS = "monsterr";
const k = (key: string) => `${NS}:${key}`;
const S = SETTINGS;

/**
 * Validates raw stack settings (as `pulumi config` holds them: strings, or parsed JSON objects) and applies
 * defaults. Pure: throws only ConfigError, listing every problem, so nothing is created from a bad config.
 * Types, defaults, ranges and fixes come from the declared settings (config/schema/settings.ts); what is here are
 * the rules between settings.
 */
export function validateConfig(raw: RawConfig, secrets: SecretPresence = {}, secretValues: SecretValuesToCheck = {}): ValidConfig {
    const issues: ConfigIssue[] = [];
    const bad = (key: string, problem: string, fix: string) => issues.push({ key: k(key), problem, fix });

    const known = Object.keys(SETTINGS);
    for (const key of Object.keys(raw)) {
        if (!known.includes(key)) bad(key, "is not a Monsterr setting", `remove it (pulumi config rm ${k(key)}); known keys: ${known.join(", ")}`);
    }

    const domain = read(S.domain, raw.domain, "domain", bad);
    const adminEmail = read(S.adminEmail, raw.adminEmail, "adminEmail", bad);
    const adminUser = read(S.adminUser, raw.adminUser, "adminUser", bad);
    const timezone = read(S.timezone, raw.timezone, "timezone", bad);
    const puid = read(S.puid, raw.puid, "puid", bad);
    const pgid = read(S.pgid, raw.pgid, "pgid", bad);
    const umask = read(S.umask, raw.umask, "umask", bad)?.slice(-3);
    const host = validateHost(raw.host, bad);
    const hosts = validateHosts(raw.hosts, bad);
    const storage = validateStorage(raw.storage, bad);
    const torrentPort = read(S.torrentPort, raw.torrentPort, "torrentPort", bad);
    const tls = validateTls(raw.tls, domain, secrets, bad);
    const vpn = validateVpn(raw.vpn, secrets, bad);
    const chosenHosts: Partial<Record<ServiceName, string>> = {};
    const services = validateServices(raw.services, vpn?.enabled === true, chosenHosts, bad);
    const monitoring = validateMonitoring(raw.monitoring, bad);
    const networks = validateNetworks(raw.networks, bad);
    // Between hosts and the services placed on them (config/validatePlacement.ts).
    if (host && hosts) validatePrivateAddresses(host, hosts, networks, bad);
    if (host && hosts && services && networks && torrentPort !== undefined) placeServices({ host, hosts, services, networks, torrentPort }, chosenHosts, bad);
    const alerting = validateAlerting(raw.alerting, secrets, bad);
    const trustedProxies = readList(S.trustedProxies, raw.trustedProxies, "trustedProxies", bad);

    if ((host?.kind === "ssh" || Object.keys(hosts ?? {}).length > 0) && secrets.sshPrivateKey === false) {
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
    const users = validateUsers(raw.users, adminUser ?? "admin", passwords as Record<string, string> | undefined, secrets.userPasswords, bad);

    const backup = validateBackup(raw.backup, host, secrets, storage ? [storage.configRoot, storage.dataRoot] : [], bad);

    if (issues.length > 0) throw new ConfigError(issues);
    return {
        domain: domain!,
        adminEmail: adminEmail!,
        adminUser: adminUser!,
        timezone: timezone!,
        puid: puid!,
        pgid: pgid!,
        umask: umask!,
        host: host!,
        hosts: hosts!,
        storage: storage!,
        torrentPort: torrentPort!,
        tls: tls!,
        monitoring: monitoring!,
        alerting: alerting!,
        networks: networks!,
        services: services!,
        trustedProxies: trustedProxies!,
        users: users!,
        backup: backup!,
        vpn: vpn!,
    };
}

function validateHost(value: unknown, bad: Bad): HostConfig | undefined {
    const F = HOST.fields;
    const o = readObject(HOST, value, "host", bad);
    if (!o) return undefined;
    let ok = true;
    const field = <T>(v: T | undefined, given: unknown): T | undefined => {
        if (v === undefined && given !== undefined) ok = false;
        return v;
    };
    const type = field(read(F.type, o.type, "host.type", bad), o.type);
    // Only the plan reads it: a warning when the apps' memory limits add up to far more than the host has.
    const memoryMb = field(read(F.memoryMb, o.memoryMb, "host.memoryMb", bad), o.memoryMb);
    const extras = readExtras(F, o, "host", bad);
    const more = { ...(memoryMb === undefined ? {} : { memoryMb }), ...extras };
    if (type === "local") {
        const dockerHost = field(read(F.dockerHost, o.dockerHost, "host.dockerHost", bad), o.dockerHost);
        return ok && extras && dockerHost ? { kind: "local", dockerHost, ...more } : undefined;
    }
    if (type !== "ssh") return undefined;
    const ssh = readSsh(F, o, "host", bad);
    return ok && extras && ssh ? { kind: "ssh", ...ssh, ...more } : undefined;
}

type SshFields = Pick<typeof HOST.fields, "address" | "user" | "port" | "sshdPort" | "hostKey">;

/** The SSH fields of `host` or of a host in `hosts` (`key`): the connection, sshd's own port, the pinned host key. */
function readSsh(F: SshFields, o: Record<string, unknown>, key: string, bad: Bad): { address: string; user: string; port: number; sshdPort: number; hostKey: string } | undefined {
    let ok = true;
    const field = <T>(v: T | undefined, given: unknown): T | undefined => {
        if (v === undefined && given !== undefined) ok = false;
        return v;
    };
    const address = read({ ...F.address, required: true }, o.address, `${key}.address`, bad);
    const user = field(read(F.user, o.user, `${key}.user`, bad), o.user);
    const port = field(read(F.port, o.port, `${key}.port`, bad), o.port);
    // The port sshd listens on, on the host itself: differs from `port` behind port forwarding or a bastion.
    const sshdPort = field(read(F.sshdPort, o.sshdPort, `${key}.sshdPort`, bad, port ?? 22), o.sshdPort);
    const hostKey = read(F.hostKey, o.hostKey, `${key}.hostKey`, bad);
    if (o.hostKey === undefined) bad(`${key}.hostKey`, "is required: the host key is pinned, never trusted on first use", F.hostKey.fix.replace("hosts.<name>", key));
    if (!ok || !address || !user || !port || !sshdPort || !hostKey) return undefined;
    return { address, user, port, sshdPort, hostKey: hostKey.split(/\s+/).slice(0, 2).join(" ") };
}

/** What a host offers the others: its private address, a GPU, the shared filesystem of its data tree; only those set. */
function readExtras(F: Pick<typeof HOST.fields, "privateAddress" | "gpu" | "dataShare">, o: Record<string, unknown>, key: string, bad: Bad): { privateAddress?: string; gpu?: boolean; dataShare?: string } | undefined {
    const privateAddress = read(F.privateAddress, o.privateAddress, `${key}.privateAddress`, bad);
    const gpu = read(F.gpu, o.gpu, `${key}.gpu`, bad);
    const dataShare = read(F.dataShare, o.dataShare, `${key}.dataShare`, bad);
    if ((privateAddress === undefined && o.privateAddress !== undefined) || (gpu === undefined && o.gpu !== undefined) || (dataShare === undefined && o.dataShare !== undefined)) return undefined;
    return { ...(privateAddress === undefined ? {} : { privateAddress }), ...(gpu === undefined ? {} : { gpu }), ...(dataShare === undefined ? {} : { dataShare }) };
}

/** `monsterr:hosts`: name -> an SSH host with its private address; `{}` when unset. */
function validateHosts(value: unknown, bad: Bad): Record<string, RemoteHostConfig> | undefined {
    const F = REMOTE_HOST.fields;
    const o = readMap(S.hosts, value, "hosts", bad);
    if (!o) return undefined;
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    const hosts: Record<string, RemoteHostConfig> = {};
    for (const [name, raw] of Object.entries(o)) {
        const key = `hosts.${name}`;
        if (name === EDGE_HOST) {
            fail(key, "is the name of the stack's own host (monsterr:host)", "give the other host another name, e.g. nas");
            continue;
        }
        if (!HOST_NAME.test(name)) {
            fail(key, `'${show(name)}' is not a host name`, "use up to 31 lower-case letters, digits or '-', starting with a letter, e.g. nas");
            continue;
        }
        // A copy: the stack's own value is never changed.
        const parsed = obj(raw);
        const entry = parsed && { ...parsed };
        if (entry?.dockerHost !== undefined) {
            fail(`${key}.dockerHost`, "is the edge host's local Docker socket: another host is reached over SSH", `remove it (pulumi config rm --path '${k(`${key}.dockerHost`)}') and set ${key}.address and ${key}.hostKey`);
            delete entry.dockerHost;
        }
        const h = readObject(REMOTE_HOST, entry ?? raw, key, fail);
        if (!h) continue;
        const type = read(F.type, h.type, `${key}.type`, fail);
        const memoryMb = read(F.memoryMb, h.memoryMb, `${key}.memoryMb`, fail);
        const ssh = readSsh(F, h, key, fail);
        const extras = readExtras(F, h, key, fail);
        if (type === undefined || (memoryMb === undefined && h.memoryMb !== undefined) || !ssh || !extras?.privateAddress) {
            ok = false;
            continue;
        }
        hosts[name] = { kind: "ssh", ...ssh, ...(memoryMb === undefined ? {} : { memoryMb }), privateAddress: extras.privateAddress, gpu: extras.gpu ?? false, ...(extras.dataShare === undefined ? {} : { dataShare: extras.dataShare }) };
    }
    return ok ? hosts : undefined;
}

function validateStorage(value: unknown, bad: Bad): StorageConfig | undefined {
    const o = readObject(S.storage, value, "storage", bad);
    if (!o) return undefined;
    const { configRoot, dataRoot } = readFields(S.storage.fields, o, "storage", bad);
    if (!configRoot || !dataRoot) return undefined;
    if (within(configRoot, dataRoot) || within(dataRoot, configRoot)) {
        bad("storage", "configRoot and dataRoot overlap", "keep app state and media in separate trees, e.g. /opt/monsterr and /data");
        return undefined;
    }
    return { configRoot, dataRoot };
}

function validateTls(value: unknown, domain: string | undefined, secrets: SecretPresence, bad: Bad): TlsConfig | undefined {
    const F = S.tls.fields;
    const local = domain !== undefined && /(^|\.)(localhost|test|internal|lan|home\.arpa)$/.test(domain);
    const o = readObject(S.tls, value, "tls", bad);
    if (!o) return undefined;
    const mode = read(F.mode, o.mode, "tls.mode", bad, local ? "selfsigned" : "letsencrypt");
    if (mode === "selfsigned") return { mode: "selfsigned" };
    if (mode !== "letsencrypt") return undefined;
    if (local) {
        bad("tls.mode", `Let's Encrypt cannot issue for '${domain}'`, "use tls.mode selfsigned for a local domain, or a public domain");
        return undefined;
    }
    const challenge = read(F.challenge, o.challenge, "tls.challenge", bad);
    if (challenge === "http") return { mode: "letsencrypt", challenge: "http" };
    if (challenge !== "dns") return undefined;
    const dnsProvider = read({ ...F.dnsProvider, required: true }, o.dnsProvider, "tls.dnsProvider", bad);
    if (!dnsProvider) return undefined;
    if (!secrets.dnsCredentials) {
        bad("dnsCredentials", "is required for the dns challenge", `pulumi config set --secret ${k("dnsCredentials")} "dns_cloudflare_api_token = ..."`);
        return undefined;
    }
    return { mode: "letsencrypt", challenge: "dns", dnsProvider };
}

function validateMonitoring(value: unknown, bad: Bad): MonitoringConfig | undefined {
    const o = readObject(S.monitoring, value, "monitoring", bad);
    if (!o) return undefined;
    const { retentionTime, retentionSize, updateCheck, updatesOverdueDays } = readFields(S.monitoring.fields, o, "monitoring", bad);
    if (!retentionTime || !retentionSize || !updateCheck || !updatesOverdueDays) return undefined;
    return { retentionTime, retentionSize, updateCheck, updatesOverdueDays };
}

function validateNetworks(value: unknown, bad: Bad): NetworkConfig | undefined {
    const o = readObject(S.networks, value, "networks", bad);
    if (!o) return undefined;
    const { proxySubnet, backendSubnet } = readFields(S.networks.fields, o, "networks", bad);
    if (!proxySubnet || !backendSubnet) return undefined;
    const a = parseCidr(proxySubnet)!;
    const b = parseCidr(backendSubnet)!;
    const shared = mask(Math.min(a.prefix, b.prefix));
    if ((a.base & shared) >>> 0 === (b.base & shared) >>> 0) {
        bad("networks", "proxySubnet and backendSubnet overlap", "use two separate ranges, e.g. 172.30.10.0/24 and 172.30.11.0/24");
        return undefined;
    }
    return { proxySubnet, backendSubnet };
}

/** `chosen` receives the hosts the stack names (`services.<name>.host`), which config/validatePlacement.ts checks. */
function validateServices(value: unknown, vpn: boolean, chosen: Partial<Record<ServiceName, string>>, bad: Bad): Record<ServiceName, ResolvedService> | undefined {
    const F = SERVICE.fields;
    const o = readMap(S.services, value, "services", bad);
    if (!o) return undefined;
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    for (const name of Object.keys(o)) {
        if (!(SERVICE_NAMES as readonly string[]).includes(name)) fail(`services.${name}`, "is not a Monsterr service", `use one of: ${SERVICE_NAMES.join(", ")}`);
    }
    const result = {} as Record<ServiceName, ResolvedService>;
    for (const s of CATALOG) {
        const key = `services.${s.name}`;
        const ov = readObject(SERVICE, o[s.name], key, fail);
        if (!ov) continue;
        // The VPN container follows monsterr:vpn, which carries its settings; saying the same here is harmless.
        const enabled = read(F.enabled, ov.enabled, `${key}.enabled`, fail, s.enabledByDefault);
        if (s.vpnFor && ov.enabled !== undefined && enabled !== undefined && enabled !== vpn) {
            fail(`${key}.enabled`, `is ${show(ov.enabled)} but follows monsterr:vpn`, `remove it (pulumi config rm --path ${k(`${key}.enabled`)}) and set ${k("vpn.provider")} (or vpn.enabled false) instead`);
        }
        const tag = read(F.tag, ov.tag, `${key}.tag`, fail, s.image.tag);
        if (tag !== undefined && !tag.startsWith("sha256:") && !newerTagPattern({ repository: s.image.repository, tag })) {
            fail(`${key}.tag`, `'${show(tag)}' is not shaped like ${s.name}'s version tags, so no update could ever be noticed for it`, `pin a tag shaped like ${s.image.tag}, or a sha256: digest`);
        }
        const memoryMb = read(F.memoryMb, ov.memoryMb, `${key}.memoryMb`, fail, s.memoryMb);
        const cpus = read(F.cpus, ov.cpus, `${key}.cpus`, fail);
        const devices = ov.devices === undefined ? undefined : readList(F.devices, ov.devices, `${key}.devices`, fail);
        const host = read(F.host, ov.host, `${key}.host`, fail);
        if (host !== undefined) chosen[s.name] = host;
        result[s.name] = {
            enabled: (s.vpnFor ? vpn : enabled) ?? false,
            image: { repository: s.image.repository, tag: tag ?? s.image.tag },
            memoryMb: memoryMb ?? s.memoryMb,
            ...(cpus === undefined ? {} : { cpus: String(Math.round(cpus * 100) / 100) }),
            ...(devices ? { devices } : {}),
            ...(vpn && CATALOG.some((g) => g.vpnFor === s.name) ? { behindVpn: true } : {}),
            // Resolved once the hosts are known (config/validatePlacement.ts).
            host: EDGE_HOST,
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
            fail(`services.${s.name}.enabled`, `is true but ${s.name} only works with ${off.join(", ")}`, `enable ${off.join(", ")}, or remove services.${s.name}.enabled`);
        }
    }
    for (const s of CATALOG) {
        if (!result[s.name].enabled) continue;
        for (const dep of s.requires ?? []) {
            if (!result[dep].enabled) fail(`services.${dep}.enabled`, `is false but ${s.name} needs ${dep}`, `enable ${dep}, or disable ${s.name} too (pulumi config set --path ${k(`services.${s.name}.enabled`)} false)`);
        }
    }
    return ok ? result : undefined;
}
