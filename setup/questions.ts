import { isIP } from "net";
import { CATALOG, SERVICE_NAMES } from "../config/catalog";
import { EXAMPLE_DOMAIN } from "../config/examples";

/** The wizard's answers: text as typed (or from an answers file), before they become stack settings. */
export type Answers = Record<string, string>;

export interface Question {
    id: string;
    message: string;
    /** A select's choices (value, label). */
    choices?: [string, string][];
    /** Asked only when this holds for the answers so far. */
    when?: (a: Answers) => boolean;
    /** The default offered: from the existing stack file, else detected or the product's. */
    default: (existing: Answers) => string;
    /** An error naming the problem and the fix, or undefined when the answer is usable. */
    validate: (value: string, a: Answers) => string | undefined;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HOSTNAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

const ssh = (a: Answers) => a.hostType === "ssh";
const int = (v: string, min: number, max: number) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

function domainError(v: string): string | undefined {
    if (!DOMAIN.test(v)) return `'${v}' is not a domain name: letters, digits and hyphens in dot-separated labels, e.g. media.yourname.net`;
    if (EXAMPLE_DOMAIN.test(v)) return `${v} is the example domain: use one you own, whose DNS you can point at the server`;
    return undefined;
}

function timezoneError(v: string): string | undefined {
    try {
        new Intl.DateTimeFormat("en", { timeZone: v });
        return /^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$|^UTC$/.test(v) ? undefined : `'${v}' is not an IANA zone name: use e.g. Europe/Berlin (timedatectl list-timezones)`;
    } catch {
        return `'${v}' is not a time zone: use an IANA name, e.g. Europe/Berlin (timedatectl list-timezones)`;
    }
}

/** Optional apps a small host can do without, with their memory limits (their exporters go with them). */
export const OPTIONAL_APPS = CATALOG.filter((s) => s.enabledByDefault && !s.companionOf && s.group !== "core" && s.name !== "prometheus").map((s) => s.name);

export const QUESTIONS: Question[] = [
    { id: "domain", message: "Domain the apps live under (<app>.<domain>)", default: (e) => e.domain ?? "", validate: domainError },
    {
        id: "adminEmail",
        message: "Admin e-mail (Let's Encrypt notices, the admin's login)",
        default: (e) => e.adminEmail ?? "",
        validate: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? (EXAMPLE_DOMAIN.test(v.split("@")[1]) ? `${v} is the example address: use yours` : undefined) : `'${v}' is not an e-mail address`),
    },
    {
        id: "hostType",
        message: "Where does it run?",
        choices: [["ssh", "a server over SSH"], ["local", "this machine's Docker (a dev stack)"]],
        default: (e) => e.hostType ?? "ssh",
        validate: (v) => (["ssh", "local"].includes(v) ? undefined : "answer ssh or local"),
    },
    {
        id: "address",
        message: "Server address (IP or name)",
        when: ssh,
        default: (e) => e.address ?? "",
        validate: (v) => (!(isIP(v) || HOSTNAME.test(v)) ? `'${v}' is not an IP address or host name` : EXAMPLE_DOMAIN.test(v) ? `${v} is the example host: use your server's address` : undefined),
    },
    { id: "port", message: "SSH port", when: ssh, default: (e) => e.port ?? "22", validate: (v) => (int(v, 1, 65535) ? undefined : `'${v}' is not a port: 1 to 65535`) },
    {
        id: "user",
        message: "SSH user (root, or a user in the docker group with passwordless sudo)",
        when: ssh,
        default: (e) => e.user ?? "deploy",
        validate: (v) => (/^[a-z_][a-z0-9_-]{0,31}$/.test(v) ? undefined : `'${v}' is not a Linux user name`),
    },
    { id: "configRoot", message: "Folder for the apps' own state", default: (e) => e.configRoot ?? "/opt/monsterr", validate: (v) => (/^(\/[A-Za-z0-9._-]+)+$/.test(v) ? undefined : `'${v}' is not an absolute path`) },
    {
        id: "dataRoot",
        message: "Folder for downloads and media (one filesystem)",
        default: (e) => e.dataRoot ?? "/data",
        validate: (v, a) => (!/^(\/[A-Za-z0-9._-]+)+$/.test(v) ? `'${v}' is not an absolute path` : v === a.configRoot || v.startsWith(`${a.configRoot}/`) || a.configRoot.startsWith(`${v}/`) ? "keep it apart from the apps' state folder" : undefined),
    },
    { id: "timezone", message: "Time zone", default: (e) => e.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "Etc/UTC", validate: timezoneError },
    { id: "puid", message: "User id the apps run as (owner of the media)", default: (e) => e.puid ?? String(process.getuid?.() || 1000), validate: (v) => (int(v, 1, 65535) ? undefined : `'${v}' is not a user id`) },
    { id: "pgid", message: "Group id", default: (e) => e.pgid ?? String(process.getgid?.() || 1000), validate: (v) => (int(v, 1, 65535) ? undefined : `'${v}' is not a group id`) },
    { id: "torrentPort", message: "Torrent port (forward TCP and UDP on your router)", default: (e) => e.torrentPort ?? "51413", validate: (v) => (int(v, 1024, 65535) ? undefined : `'${v}' is not a port from 1024 to 65535`) },
    {
        id: "tls",
        message: "Certificates",
        choices: [["letsencrypt", "Let's Encrypt (a public domain)"], ["selfsigned", "a local CA (a domain only you resolve)"]],
        default: (e) => e.tls ?? "letsencrypt",
        validate: (v) => (["letsencrypt", "selfsigned"].includes(v) ? undefined : "answer letsencrypt or selfsigned"),
    },
    {
        id: "disable",
        message: `Apps to leave out, comma-separated (of ${OPTIONAL_APPS.join(", ")}; empty keeps all)`,
        default: (e) => e.disable ?? "",
        validate: (v) => {
            const bad = v.split(",").map((s) => s.trim()).filter((s) => s && !OPTIONAL_APPS.includes(s as (typeof SERVICE_NAMES)[number]));
            return bad.length ? `not an optional app: ${bad.join(", ")} (choose from ${OPTIONAL_APPS.join(", ")})` : undefined;
        },
    },
    {
        id: "ntfyUrl",
        message: "Alerts to an ntfy topic URL (empty: none yet)",
        default: (e) => e.ntfyUrl ?? "",
        validate: (v) => (v === "" || /^https:\/\/[^\s/]+\/[A-Za-z0-9_-]+$/.test(v) ? undefined : `'${v}' is not an ntfy topic URL: https://ntfy.sh/<topic>`),
    },
];
