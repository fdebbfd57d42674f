/** The typed shape of one service of the stack: everything that differs between services is data here. */

export const GROUPS = ["core", "media", "downloads", "books", "monitoring", "ui"] as const;
export type Group = (typeof GROUPS)[number];

/** Authelia policy of a public route. `bypass` is for routes whose app authenticates its own clients (Plex, the portal). */
export type AuthPolicy = "two_factor" | "one_factor" | "bypass";

export interface ImageRef {
    repository: string;
    /** A pinned version tag or a `sha256:` digest; never `latest`. */
    tag: string;
}

export const NETWORK_NAMES = ["proxy", "edge", "backend", "metrics", "sessions"] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

export type VolumeSource =
    /** `<configRoot>/<service>/<sub>`: the app's own state, or another service's (`service`), e.g. logs to read. */
    | { kind: "config"; service?: ServiceName; sub?: string }
    /** `<configRoot>` itself: every app's state (what node-exporter measures the disk of). */
    | { kind: "configRoot" }
    /** `<dataRoot>/<sub>`: the shared media/downloads tree (one filesystem, hardlinks). */
    | { kind: "data"; sub?: string }
    /** A fixed host path (docker socket, /proc, /dev/dri...). */
    | { kind: "host"; path: string };

export interface VolumeSpec {
    source: VolumeSource;
    target: string;
    readOnly?: boolean;
}

export interface PublishedPort {
    /** Host port. */
    external: number | "torrentPort";
    /** Container port; defaults to the host port. */
    internal?: number | "torrentPort";
    protocol: "tcp" | "udp";
}

/** A generated secret mounted into the container as a file under /run/secrets. */
export interface SecretMount {
    secret: SecretId;
    /** The environment variable that carries the file's path (`AUTHELIA_..._FILE`, `GF_..__FILE`, linuxserver `FILE__...`). */
    env?: string;
    /** Mounted only when the secret exists (a user secret the stack may leave unset). */
    optional?: boolean;
}

export interface HealthcheckSpec {
    test: string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    startPeriod?: string;
    /** Why it can pass: the binary is in the pinned image and the URL answers without a login (upstream sources). */
    why: string;
}

/**
 * A container's healthcheck: one of the catalog's own, the image's HEALTHCHECK (`image`: what it runs, and where
 * upstream defines it), or none where the image has no shell or client to run one (`none`: why).
 */
export type Healthcheck = HealthcheckSpec | { image: string } | { none: string };

/**
 * A path that skips Authelia because its clients authenticate to the app itself (API key, the app's own login).
 * `exact`: that path only (with any query); `prefix`: the path and everything below it (must end in `/`).
 * Compiled into anchored Authelia resource regexes; Authelia matches them against the cleaned path (`path.Clean`).
 */
export type BypassPath = { exact: string } | { prefix: string };

export interface RouteSpec {
    subdomain: string;
    auth: AuthPolicy;
    bypassPaths?: BypassPath[];
    /** Authelia group allowed on this route; admins always are. */
    group?: "admins" | "users";
    /**
     * What the blackbox exporter asks through the proxy to tell the app is up: a path the app answers without a
     * login, open in Authelia only to the prober's own network, and the statuses that mean "up".
     */
    probe: { path: string; status?: number[] };
    /**
     * Paths the proxy refuses (403) to everyone, signed in or not, matched case-insensitively as prefixes of the
     * normalized path: an app's endpoint that must never be reachable from outside (Organizr's setup wizard).
     */
    blockedPaths?: { prefix: string; why: string }[];
}

export interface MetricsSpec {
    /** Port and path Prometheus scrapes on the container itself. */
    port: number;
    path: string;
    /**
     * Labels its own series carry that a target label of the same name would overwrite (Prometheus renames the
     * scraped one `exported_<name>`): no such target label is set on its job, not even the `host` of a stack with
     * several hosts. Only for a service on the edge host, which is its host then.
     */
    ownLabels?: string[];
}

export interface BackupSpec {
    /** Paths under the service's config folder that are caches or history, not state: left out of snapshots. */
    exclude?: string[];
    /** Stopped for the copy (a database that cannot be copied consistently while it runs), started right after. */
    stopForCopy?: boolean;
    /** Why, for the reviewer. */
    why: string;
}

export interface ServiceSpec {
    /** Role name: container name, DNS name on the Docker networks, config folder. */
    name: ServiceName;
    group: Group;
    description: string;
    image: ImageRef;
    /** The port the app listens on inside its container (web UI or API). */
    port: number;
    /** `linuxserver` images take PUID/PGID/UMASK/TZ and support `FILE__` secrets. */
    flavor: "linuxserver" | "plain";
    /**
     * `edge`: the service's own network, shared only with the reverse proxy (routed apps, and probes that go
     * through the proxy); internet egress. `proxy`: the reverse proxy's own network (egress, the host gateway).
     * Internal networks, no way out: `backend` (app-to-app APIs), `metrics` (Prometheus and what it scrapes),
     * `sessions` (Authelia and Redis). The first one is the container's primary network.
     */
    networks: NetworkName[];
    /** Host networking (Plex): the container's ports are the host's. */
    hostNetwork?: boolean;
    /**
     * Resolves every public name to the reverse proxy's address on its edge network (Docker's extra hosts): it
     * reaches the routes as a visitor does, without the router's NAT loopback, on the dev stack's names too.
     */
    publicNamesToProxy?: boolean;
    publish?: PublishedPort[];
    volumes: VolumeSpec[];
    env?: Record<string, string>;
    secrets?: SecretMount[];
    healthcheck: Healthcheck;
    memoryMb: number;
    /** Size of /dev/shm in MiB, where the image needs more than Docker's 64 (browsers, desktop apps). */
    shmSizeMb?: number;
    /** Replaces the image's entrypoint (the image's CMD is then dropped: give `command` too). */
    entrypoint?: string[];
    command?: string[];
    /** Run as the stack's PUID:PGID (images that honour --user). */
    runAsStackUser?: boolean;
    init?: boolean;
    capabilities?: string[];
    /** Host devices passed through (same path inside); a stack may set its own (`services.<name>.devices`). */
    devices?: string[];
    route?: RouteSpec;
    metrics?: MetricsSpec;
    /** Deployed unless the stack turns it off. */
    enabledByDefault: boolean;
    /**
     * The reverse proxy: joins every edge network at its fixed address there (which the app on that network trusts
     * for identity headers), besides its own `proxy` network.
     */
    reverseProxy?: boolean;
    /**
     * Containers to start first, because this one fails or misbehaves when they are not up: Authelia exits after
     * ~10 s without Redis, Fail2Ban needs the logs of the proxy and Authelia. Each comes earlier in the catalog.
     */
    startAfter?: ServiceName[];
    /**
     * Services this one is useless without; validated (both enabled), not an ordering: each of these apps starts
     * and retries on its own while the other is still starting.
     */
    requires?: ServiceName[];
    /**
     * A VPN container for this service: it joins the service's networks under the service's name, and the service
     * (when the stack turns the VPN on) shares its network namespace, so all its traffic goes through the tunnel.
     */
    vpnFor?: ServiceName;
    /** How the nightly backup treats this service's config folder (see components/files/backup.ts). */
    backup?: BackupSpec;
    /** Enabled automatically only while all of these are (exporters): disabling sonarr also drops exportarr-sonarr. */
    companionOf?: ServiceName[];
    /**
     * Where it may run when the stack has other hosts (`monsterr:hosts`); see config/placement.ts. `edge` (unset): on
     * the edge host only (the proxy, Authelia and what sits on their internal networks). `any`: on the host
     * `services.<name>.host` names; its web, API and metrics ports are then published on that host's private address
     * for the proxy and Prometheus. `everyHost`: on the edge host, and a copy on every other host (what measures or guards
     * the machine it runs on: node-exporter, cAdvisor, Fail2Ban and its exporter). A VPN container and an exporter follow the app they serve, whatever this says.
     */
    placement?: Placement;
}

export const PLACEMENTS = ["edge", "any", "everyHost"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const SERVICE_NAMES = [
    "nginx-proxy-manager",
    "authelia",
    "redis",
    "fail2ban",
    "plex",
    "sonarr",
    "radarr",
    "lidarr",
    "bazarr",
    "gluetun",
    "qbittorrent",
    "nzbget",
    "prowlarr",
    "readarr",
    "calibre",
    "audiobookshelf",
    "prometheus",
    "grafana",
    "tautulli",
    "portainer",
    "organizr",
    "overseerr",
    "watchlist",
    "alertmanager",
    "node-exporter",
    "cadvisor",
    "blackbox-exporter",
    "exportarr-sonarr",
    "exportarr-radarr",
    "exportarr-lidarr",
    "exportarr-prowlarr",
    "exportarr-readarr",
    "qbittorrent-exporter",
    "diun",
    "mtail",
    "fail2ban-exporter",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Every generated secret of the stack, named once. */
export const SECRET_IDS = [
    "authelia-jwt-secret",
    "authelia-session-secret",
    "authelia-storage-key",
    "authelia-admin-password",
    "redis-password",
    "npm-admin-password",
    "npm-bootstrap-password",
    "sonarr-api-key",
    "radarr-api-key",
    "lidarr-api-key",
    "prowlarr-api-key",
    "readarr-api-key",
    "qbittorrent-password",
    "nzbget-password",
    "grafana-admin-password",
    "portainer-admin-password",
    "authelia-password-salt",
    "qbittorrent-password-salt",
    "plex-claim",
    "bazarr-api-key",
    "audiobookshelf-root-password",
    "organizr-api-key",
    "organizr-admin-password",
    "organizr-hash-key",
    "organizr-registration-password",
    "seerr-api-key",
    "vpn-wireguard-private-key",
    "vpn-openvpn-user",
    "vpn-openvpn-password",
] as const;
export type SecretId = (typeof SECRET_IDS)[number];
