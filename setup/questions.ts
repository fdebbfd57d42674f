import { CATALOG, SERVICE_NAMES } from "../config/catalog";
import { EXAMPLE_DOMAIN } from "../config/examples";
import { checkScalar, Scalar, Setting } from "../config/schema/setting";
import { ALL_SETTINGS } from "../config/schema/settings";
import { WIREGUARD_PROVIDERS } from "../config/schema/upstream";

/** The wizard's answers: text as typed (or from an answers file), before they become stack settings. */
export type Answers = Record<string, string>;

export interface Question {
    id: string;
    message: string;
    /** The stack setting the answer becomes (`host.port`); its type, check, allowed values and default are declared there. */
    setting?: string;
    /** Other settings whose refusal by the program sends the user back to this question. */
    alsoFor?: string[];
    /** A select's choices (value, label). */
    choices?: [string, string][];
    /** Asked only when this holds for the answers so far. */
    when?: (a: Answers) => boolean;
    /** The default offered: from the existing stack file, else detected or the declared one. */
    default: (existing: Answers) => string;
    /** An error naming the problem and the fix, or undefined when the answer is usable. */
    validate: (value: string, a: Answers) => string | undefined;
}

/** The declaration at a dotted path (`host.port`, `alerting.ntfy.url`). */
export function settingAt(key: string): Setting {
    let s: Setting | undefined;
    for (const [i, part] of key.split(".").entries()) {
        s = i === 0 ? ALL_SETTINGS[part] : s?.type === "object" ? s.fields[part] : s?.type === "map" ? s.values : undefined;
        if (!s) throw new Error(`no declared setting ${key}`);
    }
    return s!;
}

interface FromSetting {
    id: string;
    setting: string;
    message: string;
    labels?: Record<string, string>;
    when?: (a: Answers) => boolean;
    /** A detected or recommended default, offered when the stack file has none. */
    suggest?: () => string;
    /** An empty answer leaves the setting unset. */
    optional?: boolean;
    /** Refusals beyond the declaration's, for a newcomer's stack (the example domain). */
    extra?: (v: string, a: Answers) => string | undefined;
    alsoFor?: string[];
}

/** A question whose answer is one declared setting: checked by the declaration, the same check validation runs. */
function ask(q: FromSetting): Question {
    const s = settingAt(q.setting) as Scalar;
    const allowed = s.type === "string" ? s.allowed : s.type === "boolean" ? ["true", "false"] : undefined;
    const declared = "default" in s && s.default !== undefined ? String(s.default) : "";
    return {
        id: q.id,
        message: q.message,
        setting: q.setting,
        ...(q.alsoFor ? { alsoFor: q.alsoFor } : {}),
        ...(q.when ? { when: q.when } : {}),
        ...(q.labels && allowed ? { choices: allowed.map((v) => [v, q.labels![v] ?? v] as [string, string]) } : {}),
        default: (e) => e[q.id] ?? q.suggest?.() ?? declared,
        validate: (v, a) => {
            if (v === "" && q.optional) return undefined;
            const r = checkScalar(s, v);
            if (!("value" in r)) return `${r.problem}: ${r.fix}`;
            return q.extra?.(v, a);
        },
    };
}

const ssh = (a: Answers) => a.hostType === "ssh";
const letsencrypt = (a: Answers) => a.tls === "letsencrypt";
const vpn = (a: Answers) => !!a.vpnProvider;
const exampleRefused = (what: string) => (v: string) => (EXAMPLE_DOMAIN.test(v.split("@").pop()!) ? `${v} is the example ${what}: use your own` : undefined);

/** Optional apps a small host can do without, with their memory limits (their exporters go with them). */
export const OPTIONAL_APPS = CATALOG.filter((s) => s.enabledByDefault && !s.companionOf && s.group !== "core" && s.name !== "prometheus").map((s) => s.name);

export const QUESTIONS: Question[] = [
    ask({ id: "domain", setting: "domain", message: "Domain the apps live under (<app>.<domain>)", extra: (v) => (EXAMPLE_DOMAIN.test(v) ? `${v} is the example domain: use one you own, whose DNS you can point at the server` : undefined) }),
    ask({ id: "adminEmail", setting: "adminEmail", message: "Admin e-mail (Let's Encrypt notices, the admin's login)", extra: exampleRefused("address") }),
    ask({ id: "hostType", setting: "host.type", message: "Where does it run?", labels: { ssh: "a server over SSH", local: "this machine's Docker (a dev stack)" }, suggest: () => "ssh" }),
    ask({ id: "address", setting: "host.address", message: "Server address (IP or name)", when: ssh, extra: exampleRefused("host") }),
    ask({ id: "port", setting: "host.port", message: "SSH port", when: ssh, alsoFor: ["host.sshdPort"] }),
    // A login with sudo rather than root, as the README recommends.
    ask({ id: "user", setting: "host.user", message: "SSH user (root, or a user in the docker group with passwordless sudo)", when: ssh, suggest: () => "deploy" }),
    ask({ id: "configRoot", setting: "storage.configRoot", message: "Folder for the apps' own state", alsoFor: ["storage"] }),
    ask({
        id: "dataRoot",
        setting: "storage.dataRoot",
        message: "Folder for downloads and media (one filesystem)",
        extra: (v, a) => (v === a.configRoot || v.startsWith(`${a.configRoot}/`) || a.configRoot.startsWith(`${v}/`) ? "keep it apart from the apps' state folder" : undefined),
    }),
    ask({ id: "timezone", setting: "timezone", message: "Time zone", suggest: () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? "Etc/UTC" }),
    ask({ id: "puid", setting: "puid", message: "User id the apps run as (owner of the media)", suggest: () => String(process.getuid?.() || 1000) }),
    ask({ id: "pgid", setting: "pgid", message: "Group id", suggest: () => String(process.getgid?.() || 1000) }),
    ask({ id: "torrentPort", setting: "torrentPort", message: "Torrent port (forward TCP and UDP on your router)" }),
    ask({ id: "tls", setting: "tls.mode", message: "Certificates", labels: { letsencrypt: "Let's Encrypt (a public domain)", selfsigned: "a local CA (a domain only you resolve)" }, suggest: () => "letsencrypt" }),
    ask({ id: "challenge", setting: "tls.challenge", message: "How Let's Encrypt checks the domain", when: letsencrypt, labels: { http: "HTTP-01: port 80 reachable from the internet, one certificate per app", dns: "DNS-01: your DNS provider's API, one wildcard certificate, port 80 may stay closed" } }),
    ask({ id: "dnsProvider", setting: "tls.dnsProvider", message: "DNS provider (Nginx Proxy Manager's id, e.g. cloudflare, hetzner-cloud, duckdns, route53)", when: (a) => letsencrypt(a) && a.challenge === "dns" }),
    {
        id: "disable",
        message: `Apps to leave out, comma-separated (of ${OPTIONAL_APPS.join(", ")}; empty keeps all)`,
        setting: "services",
        default: (e) => e.disable ?? "",
        validate: (v) => {
            const bad = v.split(",").map((s) => s.trim()).filter((s) => s && !OPTIONAL_APPS.includes(s as (typeof SERVICE_NAMES)[number]));
            return bad.length ? `not an optional app: ${bad.join(", ")} (choose from ${OPTIONAL_APPS.join(", ")})` : undefined;
        },
    },
    ask({ id: "vpnProvider", setting: "vpn.provider", message: "Send torrents through a VPN? Your provider's name as gluetun knows it (empty: no VPN)", optional: true, alsoFor: ["vpn"] }),
    ask({
        id: "vpnType",
        setting: "vpn.type",
        message: "VPN protocol",
        when: vpn,
        labels: { wireguard: "WireGuard (faster; needs the provider's WireGuard config)", openvpn: "OpenVPN (the provider's service credentials)" },
        extra: (v, a) => (v === "wireguard" && !WIREGUARD_PROVIDERS.includes(a.vpnProvider.toLowerCase()) ? `gluetun speaks WireGuard with ${WIREGUARD_PROVIDERS.join(", ")} only: choose openvpn` : undefined),
    }),
    ask({ id: "vpnAddress", setting: "vpn.wireguardAddresses", message: "WireGuard Address (the IPv4 line of the provider's WireGuard config)", when: (a) => vpn(a) && a.vpnType === "wireguard" }),
    ask({ id: "ntfyUrl", setting: "alerting.ntfy.url", message: "Alerts to an ntfy topic URL (empty: none yet)", optional: true, alsoFor: ["alerting"] }),
];
