import { CATALOG } from "../catalog";
import { show } from "../parse";
import { CRON_HOURLY_AT_MOST, EMAIL, isDomain, isHostKey, isIPv4, isLinkAddress, isPrivateSubnet, isSafePath, isTimezone, trustedCidrProblem, UNIX_USER, USER_NAME } from "./formats";
import { BooleanSetting, IntegerSetting, ListSetting, MapSetting, NumberSetting, ObjectSetting, SecretSetting, Setting, StringSetting } from "./setting";
import { NPM_DNS_PROVIDERS, VPN_PROVIDERS } from "./upstream";

/**
 * Every `monsterr:` stack setting, declared once: validation (config/validate.ts and its parts), the setup wizard,
 * README's settings table, `Pulumi.yaml`'s config block and the stack files' JSON Schema all read this.
 */

/** Host ports the stack itself publishes; the torrent port may not collide with them. */
export const RESERVED_PORTS = [22, 80, 81, 443, 32400];
/** The longest subdomain the catalog uses must still fit a 253-character name. */
const LONGEST_SUBDOMAIN = Math.max(...CATALOG.map((s) => s.route?.subdomain.length ?? 0));
export const MIN_PASSWORD = 12;

const str = (s: Omit<StringSetting, "type">): StringSetting => ({ type: "string", ...s });
const int = (s: Omit<IntegerSetting, "type">): IntegerSetting => ({ type: "integer", ...s });
const flag = (doc: string, dflt?: boolean, defaultDoc?: string): BooleanSetting => ({ type: "boolean", doc, fix: "use true or false", ...(dflt === undefined ? {} : { default: dflt }), ...(defaultDoc ? { defaultDoc } : {}) });
const secret = (doc: string, fix: string, defaultDoc = "none"): SecretSetting => ({ type: "secret", doc, fix, defaultDoc });

const severity = (): StringSetting =>
    str({ doc: "the lowest severity sent to this receiver", default: "warning", allowed: ["warning", "critical"], problem: "is not a severity", fix: "use warning (every alert) or critical (only urgent ones)", example: "warning" });
const duration = (doc: string, dflt: string): StringSetting =>
    str({ doc, default: dflt, valid: (v) => /^[1-9]\d{0,3}(s|m|h)$/.test(v), problem: "is not a duration", fix: `use a whole number of s, m or h, e.g. ${dflt}`, example: dflt });
/** http(s) URL without credentials, spaces or quotes; credentials belong in the token secret. */
const URL_RE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$/i;
const url = (doc: string, example: string): StringSetting =>
    str({ doc, required: true, valid: (v) => URL_RE.test(v), problem: "is not an http(s) URL without credentials", fix: `use e.g. ${example}; put a token in the secret, never in the URL`, example });
const email = (doc: string, fix: string, required = false): StringSetting =>
    str({ doc, required, valid: (v) => EMAIL.test(v) && v.length <= 254, problem: "is not an e-mail address", fix, example: "you@example.com" });

export const HOST = {
    type: "object",
    doc: "where the stack runs, the edge host: the proxy, Authelia, monitoring and every app not placed on one of `hosts`",
    defaultDoc: "`{type: local}`",
    fix: "pulumi config set --path monsterr:host.type ssh (or local)",
    fields: {
        type: str({ doc: "`local` (this machine's Docker socket) or `ssh` (a remote Linux host)", default: "local", allowed: ["local", "ssh"], problem: "is not a host type", fix: "use local (this machine's Docker) or ssh (a remote Linux host)", example: "ssh" }),
        dockerHost: str({ doc: "the local Docker socket", default: "unix:///var/run/docker.sock", valid: (v) => /^unix:\/\/\/[A-Za-z0-9._/-]+$/.test(v), problem: "is not a unix socket URL", fix: "use unix:///var/run/docker.sock (remote daemons go through host.type ssh)", example: "unix:///var/run/docker.sock" }),
        address: str({ doc: "the SSH host's name or IPv4 address", defaultDoc: "required for ssh", valid: (v) => isDomain(v) || isIPv4(v) || /^[a-z0-9-]{1,63}$/.test(v), problem: "is not a host name or IPv4 address", fix: "pulumi config set --path monsterr:host.address media.example.com", example: "203.0.113.10" }),
        port: int({ doc: "the port Pulumi connects to", default: 22, min: 1, max: 65535, problem: "is not a TCP port", fix: "use the port Pulumi connects to, usually 22", example: "22" }),
        sshdPort: int({
            doc: "sshd's port on the host, which the firewall opens; set it behind a port forward or bastion",
            defaultDoc: "`port`",
            min: 1,
            max: 65535,
            problem: "is not a TCP port",
            check: (v) => (RESERVED_PORTS.filter((p) => p !== 22).includes(v) ? { problem: `${v} is a port the stack publishes for its own services`, fix: "move sshd to another port, e.g. 22 or 2222" } : undefined),
            fix: "use the port sshd listens on, on the host (sshd -T | grep '^port'); leave it unset when it is host.port",
            example: "22",
        }),
        user: str({ doc: "the login, root or one in the docker group with passwordless sudo", default: "root", valid: (v) => UNIX_USER.test(v), problem: "is not a Unix user name", fix: "use the login that may run docker and sudo, e.g. deploy", example: "deploy" }),
        hostKey: str({
            doc: "the host's public key, pinned: never trusted on first use",
            defaultDoc: "required for ssh",
            valid: isHostKey,
            problem: "is not an OpenSSH public host key",
            fix: 'run ssh-keyscan -t ed25519 <host>, check the fingerprint on the host\'s console, then: pulumi config set --path monsterr:host.hostKey "ssh-ed25519 AAAA..."',
            example: '"ssh-ed25519 AAAA..."',
        }),
        memoryMb: int({ doc: "the host's RAM in MiB: the plan warns when the apps' memory limits exceed twice it", min: 1024, max: 16777216, problem: "is not the host's memory in MiB", fix: "use the MemTotal of the host in MiB (free -m), e.g. 7936 for an 8 GB box, or leave it unset", example: "7936" }),
        privateAddress: str({
            doc: "its IPv4 address on the private link between the hosts (a LAN, WireGuard, Tailscale): the other hosts let only it reach their apps",
            defaultDoc: "required with `hosts`",
            valid: isLinkAddress,
            problem: "is not an IPv4 address another host can reach",
            fix: "use this host's IPv4 address on the link the hosts share (ip -4 addr), e.g. 10.0.0.1",
            example: "10.0.0.1",
        }),
        gpu: flag("it has /dev/dri (hardware transcoding); an app given /dev/dri is refused on a host that says false", undefined, "unchecked"),
        dataShare: str({
            doc: "the name of the shared filesystem `storage.dataRoot` is on (e.g. `nas`): hosts with the same name see one data tree, so hardlinks work between their apps",
            defaultDoc: "its own disk",
            valid: (v) => DATA_SHARE.test(v),
            problem: "is not a filesystem name",
            fix: "use a short name of letters, digits, '.', '_' or '-' for the NFS/SMB share mounted at storage.dataRoot, e.g. nas",
            example: "nas",
        }),
    },
} satisfies ObjectSetting;

/** The name of a host in `monsterr:hosts` (`services.<name>.host`). */
export const HOST_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const DATA_SHARE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A host of `monsterr:hosts`: the SSH fields of `host`, reached over SSH only, always on the private link. */
export const REMOTE_HOST = {
    type: "object",
    doc: "another host the stack runs apps on, over SSH",
    fix: "pulumi config set --path 'monsterr:hosts.<name>.address' nas.lan",
    fields: {
        type: str({ doc: "`ssh`: other hosts are reached over SSH", default: "ssh", allowed: ["ssh"], problem: "is not a type another host can have", fix: "use ssh (or leave it unset): only the edge host (monsterr:host) can be this machine's Docker", example: "ssh" }),
        address: { ...HOST.fields.address, defaultDoc: "required", fix: "pulumi config set --path 'monsterr:hosts.<name>.address' nas.lan", example: "192.168.1.20" },
        port: HOST.fields.port,
        sshdPort: HOST.fields.sshdPort,
        user: HOST.fields.user,
        hostKey: { ...HOST.fields.hostKey, defaultDoc: "required", fix: 'run ssh-keyscan -t ed25519 <host>, check the fingerprint on the host\'s console, then: pulumi config set --path \'monsterr:hosts.<name>.hostKey\' "ssh-ed25519 AAAA..."' },
        memoryMb: HOST.fields.memoryMb,
        privateAddress: { ...HOST.fields.privateAddress, doc: "its IPv4 address on the private link: where its apps are published for the edge host's proxy and Prometheus", defaultDoc: "required", required: true, fix: "use this host's IPv4 address on the link it shares with the edge host (ip -4 addr), e.g. 10.0.0.2", example: "10.0.0.2" },
        gpu: flag("it has /dev/dri: apps given /dev/dri (Plex hardware transcoding) may run there", false),
        dataShare: HOST.fields.dataShare,
    },
} satisfies ObjectSetting;

const path = (doc: string, dflt: string): StringSetting =>
    str({ doc, default: dflt, valid: isSafePath, problem: "is not a plain absolute path", fix: "use an absolute path of letters, digits, '.', '_', '-' without a trailing slash, e.g. /data", example: dflt });

export const SERVICE = {
    type: "object",
    doc: "one catalog service's settings",
    fix: "pulumi config set --path monsterr:services.<name>.enabled true",
    fields: {
        enabled: flag("run it; exporters follow the app they watch", undefined, "the catalog's"),
        tag: str({
            doc: "the image version: a tag shaped like the catalog's or a `sha256:` digest, never `latest`",
            defaultDoc: "the catalog's",
            problem: "is not an image tag or sha256 digest",
            check: (v) => (v === "latest" ? "may not be latest: updates must be deliberate" : undefined),
            valid: (v) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v) || /^sha256:[a-f0-9]{64}$/.test(v),
            fix: "pin a version tag shaped like the catalog's (npm run plan lists them), or a sha256: digest",
            example: "4.0.15",
        }),
        memoryMb: int({ doc: "the container's memory limit in MiB", defaultDoc: "the catalog's", min: 64, max: 262144, problem: "is not a memory limit in MiB", fix: "use a whole number from 64 to 262144", example: "1024" }),
        cpus: { type: "number", doc: "a CPU limit, e.g. 0.5 or 2", min: 0.01, max: 256, problem: "is not a CPU count", fix: "use a number such as 0.5 or 2", example: "2" } satisfies NumberSetting,
        devices: {
            type: "list",
            doc: "host devices, e.g. `[/dev/dri]` for Plex hardware transcoding",
            defaultDoc: "the catalog's",
            problem: "is not a list of device paths",
            fix: "list host devices under /dev, e.g. pulumi config set --path 'monsterr:services.plex.devices[0]' /dev/dri (Intel/AMD hardware transcoding)",
            items: str({ doc: "a device path", valid: (v) => /^\/dev\/[A-Za-z0-9._/-]+$/.test(v) && !v.includes(".."), problem: "is not a device path under /dev", fix: "list host devices under /dev, e.g. /dev/dri", example: "/dev/dri" }),
        } satisfies ListSetting,
        host: str({
            doc: "the host it runs on: `edge` (`monsterr:host`) or a name in `hosts`; apps only (the proxy, Authelia and monitoring stay on the edge host, an exporter follows its app)",
            defaultDoc: "`edge`; a VPN container or an exporter: its app's host",
            valid: (v) => HOST_NAME.test(v),
            problem: "is not a host name",
            fix: "use edge or the name of a host in monsterr:hosts, e.g. nas",
            example: "nas",
        }),
    },
} satisfies ObjectSetting;

const receiver = (doc: string, example: string) =>
    ({
        type: "object",
        doc,
        fix: `pulumi config set --path monsterr:alerting.<receiver>.url ${example}`,
        fields: { url: url("the URL alerts are posted to", example), minSeverity: severity() },
    }) satisfies ObjectSetting;

export const ALERTING = {
    type: "object",
    doc: "Alertmanager's receivers and timing; without receivers alerts show in Alertmanager and Grafana, nobody is notified",
    defaultDoc: "none (a null receiver)",
    fix: "pulumi config set --path monsterr:alerting.email.to you@example.com",
    fields: {
        email: {
            type: "object",
            doc: "alerts by e-mail",
            fix: "set to, from and smarthost (host:port)",
            fields: {
                to: { type: "list", doc: "recipients", required: true, singleAllowed: true, problem: "is not an e-mail address or a list of them", fix: "use an address such as you@example.com", items: email("a recipient", "use an address such as you@example.com") },
                from: email("the sender address", "use the sender address your SMTP server accepts, e.g. alerts@example.com", true),
                smarthost: str({ doc: "`host:port` of the SMTP server", required: true, valid: (v) => /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?:\d{1,5}$/i.test(v), problem: "is not host:port", fix: "use the SMTP server and its submission port, e.g. smtp.example.com:587", example: "smtp.example.com:587" }),
                username: str({ doc: "the SMTP login; its password is `alertingSmtpPassword`", valid: (v) => v !== "" && !/[\s"]/.test(v), problem: "is not a user name", fix: "use the SMTP login, e.g. alerts@example.com", example: "alerts@example.com" }),
                requireTls: flag("STARTTLS required; false only for a local relay", true),
                minSeverity: severity(),
            },
        },
        webhook: receiver("Alertmanager's JSON payload posted to a URL (bearer token: `alertingWebhookToken`)", "https://hooks.example.com/alertmanager"),
        ntfy: receiver("an ntfy server and topic (token: `alertingNtfyToken`)", "https://ntfy.sh/<your-topic>"),
        discord: { type: "object", doc: "a Discord channel (its webhook URL is the secret `alertingDiscordUrl`)", fix: "pulumi config set --path monsterr:alerting.discord.minSeverity warning", fields: { minSeverity: severity() } },
        heartbeatUrl: str({ doc: "a dead man's switch ping URL the always-firing Watchdog alert goes to", valid: (v) => URL_RE.test(v), problem: "is not an http(s) URL without credentials", fix: "use your dead man's switch ping URL, e.g. https://hc-ping.com/<uuid>", example: "https://hc-ping.com/<uuid>" }),
        groupWait: duration("how long a new group of alerts waits for more", "30s"),
        groupInterval: duration("how long before news of a group is sent", "5m"),
        repeatInterval: duration("how long before a firing alert is sent again", "4h"),
    },
} satisfies ObjectSetting;

export const USER = {
    type: "object",
    doc: "a household account in Authelia",
    fix: "pulumi config set --path 'monsterr:users.alice.email' alice@example.com",
    fields: {
        email: email("where Authelia sends one-time codes and resets", "pulumi config set --path 'monsterr:users.<name>.email' <name>@example.com", true),
        displayName: str({ doc: "the name shown", defaultDoc: "the user name", valid: (v) => v.trim() !== "" && v.length <= 100 && !/[\u0000-\u001f\u007f]/.test(v), problem: "is not a display name", fix: "use up to 100 printable characters, e.g. Alice", example: "Alice" }),
        groups: {
            type: "list",
            doc: "`[users]` (portal, Organizr, Seerr, Audiobookshelf) or `[users, admins]` (everything, with two factors)",
            defaultDoc: "`[users]`",
            required: true,
            problem: "is not a list of groups",
            fix: "use [users] (household apps) or [users, admins] (everything, with two factors)",
            items: str({ doc: "a group", allowed: ["users", "admins"], problem: "is not a group", fix: "use [users] (household apps) or [users, admins] (everything, with two factors)", example: "users" }),
        },
    },
} satisfies ObjectSetting;

export const BACKUP = {
    type: "object",
    doc: "scheduled restic backups of the config root",
    defaultDoc: "on for an SSH host, `/var/backups/monsterr`",
    fix: "pulumi config set --path monsterr:backup.repository sftp:backup@nas.lan:/srv/restic/monsterr",
    fields: {
        enabled: flag("back up every day", undefined, "true on an SSH host"),
        repository: str({ doc: "a path on the host, `sftp:user@host:/path` (the host's root needs an SSH key there) or `s3:https://endpoint/bucket[/prefix]`", default: "/var/backups/monsterr", problem: "is not a repository Monsterr can use", fix: "use an absolute path on the host, sftp:user@host:/path, or s3:https://endpoint/bucket[/prefix]", example: "sftp:backup@nas.lan:/srv/restic/monsterr" }),
        time: str({ doc: "daily, at this local time of the host", default: "03:30", valid: (v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), problem: "is not a time of day", fix: "use HH:MM in the host's time zone, e.g. 03:30", example: "03:30" }),
        keepDaily: int({ doc: "daily snapshots kept", default: 7, min: 0, max: 1000, problem: "is not a count of snapshots", fix: "use a whole number from 0 to 1000", example: "7" }),
        keepWeekly: int({ doc: "weekly snapshots kept", default: 4, min: 0, max: 1000, problem: "is not a count of snapshots", fix: "use a whole number from 0 to 1000", example: "4" }),
        keepMonthly: int({ doc: "monthly snapshots kept", default: 6, min: 0, max: 1000, problem: "is not a count of snapshots", fix: "use a whole number from 0 to 1000", example: "6" }),
    },
} satisfies ObjectSetting;

export const VPN = {
    type: "object",
    doc: "qBittorrent behind gluetun: its traffic leaves only through the tunnel",
    defaultDoc: "off",
    fix: "pulumi config set --path monsterr:vpn.provider mullvad",
    fields: {
        enabled: flag("route qBittorrent through the VPN", true, "`true` once vpn is set"),
        provider: str({
            doc: "gluetun's provider name, e.g. `mullvad`, `protonvpn`, `pia`",
            required: true,
            valid: (v) => VPN_PROVIDERS.includes(vpnProvider(v)),
            problem: "is not a provider gluetun knows",
            fix: `use one of: ${VPN_PROVIDERS.join(", ")}`,
            example: "mullvad",
        }),
        type: str({ doc: "`wireguard` or `openvpn`", default: "wireguard", allowed: ["wireguard", "openvpn"], problem: "is not a VPN type", fix: "use wireguard (faster, where your provider offers it) or openvpn", example: "wireguard" }),
        serverCountries: {
            type: "list",
            doc: "countries as the provider's server list spells them",
            defaultDoc: "any",
            singleAllowed: true,
            problem: "is not a list of country names",
            fix: "list names as your provider spells them, e.g. pulumi config set --path 'monsterr:vpn.serverCountries[0]' Netherlands",
            // gluetun splits the list on commas without trimming: a name with a comma or edge spaces never matches.
            items: str({ doc: "a country", valid: (v) => /^[A-Za-z][A-Za-z .'()-]*[A-Za-z)]$/.test(v), problem: "is not a country name", fix: "list names as your provider spells them, e.g. Netherlands", example: "Netherlands" }),
        },
        wireguardAddresses: str({
            doc: "the IPv4 interface address from the provider's WireGuard config",
            defaultDoc: "required for WireGuard",
            // An IPv6 address stops gluetun unless Docker's network has IPv6 (Monsterr's networks do not).
            valid: (v) => {
                const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
                return !!m && m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32;
            },
            problem: "is not an IPv4 address with its prefix",
            fix: "copy the IPv4 Address line of your provider's WireGuard config, e.g. 10.64.222.21/32",
            example: "10.64.222.21/32",
        }),
        portForwarding: flag("take the provider's forwarded port as qBittorrent's (PIA, ProtonVPN, PrivateVPN, Perfect Privacy only)", false),
    },
} satisfies ObjectSetting;

/** gluetun lower-cases the name and knows PIA by its short name too. */
export function vpnProvider(v: string): string {
    const lower = v.toLowerCase();
    return lower === "pia" ? "private internet access" : lower;
}

export const SETTINGS = {
    domain: str({
        doc: "apps are served at `<subdomain>.<domain>`",
        required: true,
        valid: isDomain,
        problem: "is not a lower-case DNS name with at least two labels",
        check: (v) => (v.length + LONGEST_SUBDOMAIN + 1 > 253 ? { problem: "is too long for its subdomains to be valid DNS names", fix: "use a domain of at most 240 characters" } : undefined),
        fix: "use a name such as media.example.com (or media.localhost for dev)",
        example: "media.example.com",
    }),
    adminEmail: email("Let's Encrypt account, proxy admin, Authelia admin", "use an address such as you@example.com", true),
    adminUser: str({ doc: "Authelia admin user name", default: "admin", valid: (v) => USER_NAME.test(v), problem: "is not a valid user name", fix: "use 2-32 characters: a lower-case letter, then letters, digits, '-' or '_'", example: "admin" }),
    timezone: str({ doc: "IANA time zone for every app", default: "Etc/UTC", valid: isTimezone, problem: "is not an IANA time zone", fix: "use a name such as Europe/Berlin or Etc/UTC", example: "Europe/Berlin" }),
    puid: int({ doc: "owner of app state and media (never root)", default: 1000, min: 1, max: 2147483646, problem: "is not a non-root numeric id", fix: "use the id of the host user that owns the media (id -u), never 0", example: "1000" }),
    pgid: int({ doc: "group of app state and media (never root)", default: 1000, min: 1, max: 2147483646, problem: "is not a non-root numeric id", fix: "use the id of the host group that owns the media (id -g), never 0", example: "1000" }),
    umask: str({ doc: "the apps' umask", default: "002", valid: (v) => /^0?[0-7]{3}$/.test(v), problem: "is not an octal umask", fix: "use 002 (group-writable, the TRaSH default) or 022", example: "002" }),
    host: HOST,
    hosts: {
        type: "map",
        doc: "other hosts, by name (lower case, not `edge`): apps placed there with `services.<name>.host` are reached over the private link",
        keyDoc: "<name>",
        defaultDoc: "none (one host)",
        fix: "pulumi config set --path 'monsterr:hosts.nas.address' 192.168.1.20 (with its hostKey and privateAddress)",
        values: REMOTE_HOST,
    } satisfies MapSetting,
    storage: {
        type: "object",
        doc: "where app state and media live",
        fix: "pulumi config set --path monsterr:storage.dataRoot /data",
        fields: { configRoot: path("app state, one folder per app", "/opt/monsterr"), dataRoot: path("one media and downloads tree (hardlinks), seen by apps as /data", "/data") },
    } satisfies ObjectSetting,
    torrentPort: int({
        doc: "published torrent peer port (tcp+udp)",
        default: 6881,
        min: 1024,
        max: 65535,
        problem: "is not a free unprivileged port",
        check: (v) => (RESERVED_PORTS.includes(v) ? `'${v}' is not a free unprivileged port` : undefined),
        fix: `use a port from 1024 to 65535 other than ${RESERVED_PORTS.join(", ")}`,
        example: "51413",
    }),
    tls: {
        type: "object",
        doc: "certificates",
        defaultDoc: "Let's Encrypt HTTP-01; self-signed CA for local domains",
        fix: "pulumi config set --path monsterr:tls.mode letsencrypt",
        fields: {
            mode: str({ doc: "`letsencrypt` (a public domain) or `selfsigned` (a local CA)", defaultDoc: "`selfsigned` for a local domain, else `letsencrypt`", allowed: ["letsencrypt", "selfsigned"], problem: "is not a TLS mode", fix: "use letsencrypt (public domain) or selfsigned (local CA, dev)", example: "letsencrypt" }),
            challenge: str({ doc: "`http` (port 80 reachable, one certificate per app) or `dns` (one wildcard certificate)", default: "http", allowed: ["http", "dns"], problem: "is not an ACME challenge", fix: "use http (port 80 reachable) or dns (with tls.dnsProvider)", example: "dns" }),
            dnsProvider: str({ doc: "Nginx Proxy Manager's id of your DNS provider, e.g. `cloudflare`", defaultDoc: "required for dns", allowed: NPM_DNS_PROVIDERS, problem: "is not a DNS provider Nginx Proxy Manager 2.15.1 knows", fix: `use its id, e.g. cloudflare; one of: ${NPM_DNS_PROVIDERS.join(", ")}`, example: "cloudflare" }),
        },
    } satisfies ObjectSetting,
    monitoring: {
        type: "object",
        doc: "Prometheus retention and the update check",
        fix: "pulumi config set --path monsterr:monitoring.retentionTime 30d",
        fields: {
            retentionTime: str({ doc: "Prometheus keeps samples this long", default: "30d", valid: (v) => /^[1-9]\d{0,4}(h|d|w|y)$/.test(v), problem: "is not a Prometheus duration", fix: "use a whole number of hours, days, weeks or years, e.g. 30d", example: "30d" }),
            retentionSize: str({ doc: "and at most this much", default: "10GB", valid: (v) => /^[1-9]\d{0,5}(MB|GB|TB)$/.test(v), problem: "is not a Prometheus size", fix: "use a whole number of MB, GB or TB, e.g. 10GB", example: "10GB" }),
            updateCheck: str({ doc: "when Diun looks for newer images (cron, at most hourly)", default: "17 */6 * * *", valid: (v) => CRON_HOURLY_AT_MOST.test(v), problem: "is not a five-field cron schedule with a fixed minute", fix: "use e.g. '17 */6 * * *' (every 6 hours): at most hourly, so registries' rate limits are never near", example: "'17 */6 * * *'" }),
            updatesOverdueDays: int({ doc: "days a published update may wait before ImageUpdateOverdue", default: 14, min: 1, max: 365, problem: "is not a number of days", fix: "use a whole number from 1 to 365, e.g. 14", example: "14" }),
        },
    } satisfies ObjectSetting,
    services: { type: "map", doc: "per catalog service", keyDoc: "<name>", defaultDoc: "the catalog", fix: "pulumi config set --path monsterr:services.plex.enabled false", values: SERVICE } satisfies MapSetting,
    networks: {
        type: "object",
        doc: "private IPv4 ranges no LAN or VPN of yours uses",
        fix: "pulumi config set --path monsterr:networks.proxySubnet 172.30.10.0/24",
        fields: {
            proxySubnet: str({ doc: "a /29 per app's edge network, so /24 or larger", default: "172.30.10.0/24", valid: isPrivateSubnet, problem: "is not a private IPv4 network from /16 to /24", fix: "use a free private range such as 172.30.10.0/24 that no host network or VPN uses", example: "172.30.10.0/24" }),
            backendSubnet: str({ doc: "split in four for the internal networks", default: "172.30.11.0/24", valid: isPrivateSubnet, problem: "is not a private IPv4 network from /16 to /24", fix: "use a free private range such as 172.30.11.0/24 that no host network or VPN uses", example: "172.30.11.0/24" }),
        },
    } satisfies ObjectSetting,
    trustedProxies: {
        type: "list",
        doc: "CIDR ranges of a proxy in front of this server (a CDN such as Cloudflare, a LAN load balancer) whose `X-Forwarded-For` the proxy believes; without it the TCP peer is the client",
        defaultDoc: "none",
        indexed: true,
        problem: "is not a list of CIDR ranges",
        fix: "pulumi config set --path 'monsterr:trustedProxies[0]' 173.245.48.0/20 (only proxies that overwrite X-Forwarded-For, e.g. Cloudflare's ranges)",
        items: str({
            doc: "a CIDR range",
            problem: "is not a string",
            check: (v) => {
                const p = trustedCidrProblem(v);
                return p && `'${show(v)}' ${p}`;
            },
            fix: "use the exact ranges of the proxy in front of this server, e.g. 173.245.48.0/20; never 0.0.0.0/0",
            example: "173.245.48.0/20",
        }),
    } satisfies ListSetting,
    alerting: ALERTING,
    users: { type: "map", doc: "household accounts besides the admin", keyDoc: "<name>", defaultDoc: "none", fix: "pulumi config set --path 'monsterr:users.alice.email' alice@example.com", values: USER } satisfies MapSetting,
    backup: BACKUP,
    vpn: VPN,
    sshPrivateKey: secret("key for host commands over SSH", "pulumi config set --secret monsterr:sshPrivateKey < ~/.ssh/id_ed25519", "ssh-agent"),
    plexClaim: secret("Plex claim token for the very first start (https://plex.tv/claim)", "pulumi config set --secret monsterr:plexClaim claim-xxxx"),
    dnsCredentials: secret("DNS-01 credentials when `tls.challenge` is `dns`, in the provider's certbot INI form", 'pulumi config set --secret monsterr:dnsCredentials "dns_cloudflare_api_token = ..."'),
    adminPassword: secret(`the Authelia admin's own password (${MIN_PASSWORD}+ characters)`, "pulumi config set --secret monsterr:adminPassword", "generated"),
    userPasswords: { ...secret(`\`<name>: password\` (${MIN_PASSWORD}+ characters) for household accounts; the others get a generated one in \`userCredentials\``, "pulumi config set --secret --path 'monsterr:userPasswords.alice' ...", "generated"), keyed: true },
    backupS3AccessKeyId: secret("access key of an `s3:` backup repository", "pulumi config set --secret monsterr:backupS3AccessKeyId ..."),
    backupS3SecretAccessKey: secret("secret key of an `s3:` backup repository", "pulumi config set --secret monsterr:backupS3SecretAccessKey ..."),
    vpnWireguardPrivateKey: secret("the PrivateKey of the provider's WireGuard config, delivered to gluetun as a file", "pulumi config set --secret monsterr:vpnWireguardPrivateKey ..."),
    vpnOpenvpnUser: secret("the provider's OpenVPN service user, delivered to gluetun as a file", "pulumi config set --secret monsterr:vpnOpenvpnUser ..."),
    vpnOpenvpnPassword: secret("the provider's OpenVPN service password, delivered to gluetun as a file", "pulumi config set --secret monsterr:vpnOpenvpnPassword ..."),
    alertingSmtpPassword: secret("the SMTP password of `alerting.email.username`, delivered to Alertmanager as a file", "pulumi config set --secret monsterr:alertingSmtpPassword ..."),
    alertingWebhookToken: secret("bearer token of `alerting.webhook`", "pulumi config set --secret monsterr:alertingWebhookToken ..."),
    alertingNtfyToken: secret("access token of `alerting.ntfy`", "pulumi config set --secret monsterr:alertingNtfyToken ..."),
    alertingDiscordUrl: secret("the Discord channel's webhook URL for `alerting.discord`", "pulumi config set --secret monsterr:alertingDiscordUrl https://discord.com/api/webhooks/..."),
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
/** The same declarations, each seen as a plain Setting (for code that walks them all). */
export const ALL_SETTINGS: Record<string, Setting> = SETTINGS;
