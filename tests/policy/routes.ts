/**
 * The reviewed access policy of every public route, written by hand and compared against what the program
 * generates (Authelia's rules, NPM's proxy hosts, the edge attack test). It is deliberately not read from the
 * catalog: changing who may reach an app takes two edits, the catalog and this table, and a reviewer sees both.
 *
 * `bypass` paths are reachable without Authelia because their clients authenticate to the app itself (an API key,
 * the app's own login); `exact` is that path (with any query), `prefix` everything below it.
 */
export type PolicyPath = { exact: string } | { prefix: string };

export interface RoutePolicy {
    /** The catalog service behind it. */
    service: string;
    auth: "bypass" | "one_factor" | "two_factor";
    /** Authelia groups allowed (admins are always among them); none for bypass routes. */
    groups: ("admins" | "users")[];
    bypass: PolicyPath[];
}

const ARR_API: PolicyPath[] = [{ exact: "/api" }, { prefix: "/api/" }];
const admin = (service: string, bypass: PolicyPath[] = []): RoutePolicy => ({ service, auth: "two_factor", groups: ["admins"], bypass });
const household = (service: string, bypass: PolicyPath[] = []): RoutePolicy => ({ service, auth: "one_factor", groups: ["admins", "users"], bypass });

/** By subdomain. */
export const ROUTES: Record<string, RoutePolicy> = {
    // The portal itself, and Plex, which has its own account login for its apps.
    auth: { service: "authelia", auth: "bypass", groups: [], bypass: [] },
    plex: { service: "plex", auth: "bypass", groups: [], bypass: [] },
    sonarr: admin("sonarr", ARR_API),
    radarr: admin("radarr", ARR_API),
    lidarr: admin("lidarr", ARR_API),
    bazarr: admin("bazarr", ARR_API),
    prowlarr: admin("prowlarr", ARR_API),
    readarr: admin("readarr", ARR_API),
    tautulli: admin("tautulli", ARR_API),
    qbittorrent: admin("qbittorrent"),
    nzbget: admin("nzbget"),
    calibre: admin("calibre"),
    prometheus: admin("prometheus"),
    grafana: admin("grafana"),
    portainer: admin("portainer"),
    alerts: admin("alertmanager"),
    watchlist: admin("watchlist"),
    // Household apps: one factor for every signed-in member. Audiobookshelf's mobile apps sign in to the app itself.
    audiobooks: household("audiobookshelf", [{ prefix: "/api/" }, { exact: "/login" }, { prefix: "/socket.io/" }, { prefix: "/public/" }, { prefix: "/feed/" }]),
    home: household("organizr"),
    requests: household("overseerr"),
};

/**
 * The path the blackbox prober asks on each route, open without a login only from the prober's own network, and the
 * statuses that mean "up". Each must be a path the app answers without its own login and that reveals nothing.
 */
export const PROBES: Record<string, { path: string; status: number[] }> = {
    auth: { path: "/api/health", status: [200] },
    plex: { path: "/identity", status: [200] },
    sonarr: { path: "/ping", status: [200] },
    radarr: { path: "/ping", status: [200] },
    lidarr: { path: "/ping", status: [200] },
    bazarr: { path: "/", status: [200] },
    prowlarr: { path: "/ping", status: [200] },
    readarr: { path: "/ping", status: [200] },
    tautulli: { path: "/status", status: [200] },
    qbittorrent: { path: "/", status: [200] },
    // NZBGet answers 401 to a request from outside 127.0.0.1 without its own login: alive, and nothing shown.
    nzbget: { path: "/", status: [401] },
    calibre: { path: "/", status: [200] },
    prometheus: { path: "/-/healthy", status: [200] },
    grafana: { path: "/api/health", status: [200] },
    portainer: { path: "/api/system/status", status: [200] },
    alerts: { path: "/-/healthy", status: [200] },
    watchlist: { path: "/health", status: [200] },
    audiobooks: { path: "/healthcheck", status: [200] },
    home: { path: "/", status: [200] },
    requests: { path: "/api/v1/status", status: [200] },
};

/** Paths the proxy refuses to everyone (prefixes, any case): endpoints no client may ever reach. */
export const BLOCKED: Record<string, string[]> = {
    // Organizr's setup wizard needs no login and overwrites its admin and config on every call.
    home: ["/api/v2/wizard", "/api/v2/index.php/wizard"],
};
