/**
 * Who talks to whom and with what: each container's networks, the secrets it reads (and the `_FILE` variable that
 * names each), and what it may do beyond an ordinary unprivileged container. Reviewed by hand; tests/unit/catalog
 * compares the catalog against it, so widening any of these takes two edits.
 */

/** `edge`: its own network shared only with the proxy; `backend`: app-to-app APIs; internal networks have no route out. */
export const NETWORKS: Record<string, string[]> = {
    "nginx-proxy-manager": ["proxy"],
    redis: ["sessions"],
    authelia: ["edge", "sessions", "metrics"],
    fail2ban: [],
    plex: [],
    sonarr: ["edge", "backend"],
    radarr: ["edge", "backend"],
    lidarr: ["edge", "backend"],
    bazarr: ["edge", "backend"],
    // None of its own: with monsterr:vpn it joins qBittorrent's (edge, backend) under qBittorrent's name.
    gluetun: [],
    qbittorrent: ["edge", "backend"],
    nzbget: ["edge", "backend"],
    prowlarr: ["edge", "backend"],
    readarr: ["edge", "backend"],
    calibre: ["edge"],
    audiobookshelf: ["edge"],
    prometheus: ["edge", "metrics"],
    grafana: ["edge", "metrics"],
    tautulli: ["edge"],
    portainer: ["edge"],
    alertmanager: ["edge", "metrics"],
    "node-exporter": ["metrics"],
    cadvisor: ["metrics"],
    "blackbox-exporter": ["edge", "metrics"],
    "exportarr-sonarr": ["metrics", "backend"],
    "exportarr-radarr": ["metrics", "backend"],
    "exportarr-lidarr": ["metrics", "backend"],
    "exportarr-prowlarr": ["metrics", "backend"],
    "exportarr-readarr": ["metrics", "backend"],
    "qbittorrent-exporter": ["metrics", "backend"],
    organizr: ["edge"],
    overseerr: ["edge", "backend"],
    watchlist: ["edge", "backend"],
    // The way out to the registries; nothing routes to it.
    diun: ["edge"],
    // Scraped only; they read files and a socket, never the network.
    mtail: ["metrics"],
    "fail2ban-exporter": ["metrics"],
};

/** Secret files each container reads: secret id (`?`: only when the stack sets it) -> the variable naming its path (null: named in its config or command). */
export const SECRET_FILES: Record<string, Record<string, string | null>> = {
    "nginx-proxy-manager": { "npm-bootstrap-password": "INITIAL_ADMIN_PASSWORD__FILE" },
    redis: { "redis-password": null },
    authelia: {
        "authelia-jwt-secret": "AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE",
        "authelia-session-secret": "AUTHELIA_SESSION_SECRET_FILE",
        "authelia-storage-key": "AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE",
        "redis-password": "AUTHELIA_SESSION_REDIS_PASSWORD_FILE",
    },
    plex: { "plex-claim?": "FILE__PLEX_CLAIM" },
    sonarr: { "sonarr-api-key": "FILE__SONARR__AUTH__APIKEY" },
    radarr: { "radarr-api-key": "FILE__RADARR__AUTH__APIKEY" },
    lidarr: { "lidarr-api-key": "FILE__LIDARR__AUTH__APIKEY" },
    nzbget: { "nzbget-password": "FILE__NZBGET_PASS" },
    prowlarr: { "prowlarr-api-key": "FILE__PROWLARR__AUTH__APIKEY" },
    readarr: { "readarr-api-key": "FILE__READARR__AUTH__APIKEY" },
    grafana: { "grafana-admin-password": "GF_SECURITY_ADMIN_PASSWORD__FILE" },
    portainer: { "portainer-admin-password": null },
    "exportarr-sonarr": { "sonarr-api-key": "API_KEY_FILE" },
    "exportarr-radarr": { "radarr-api-key": "API_KEY_FILE" },
    "exportarr-lidarr": { "lidarr-api-key": "API_KEY_FILE" },
    "exportarr-prowlarr": { "prowlarr-api-key": "API_KEY_FILE" },
    "exportarr-readarr": { "readarr-api-key": "API_KEY_FILE" },
    "qbittorrent-exporter": { "qbittorrent-password": "QBITTORRENT_PASSWORD_FILE" },
    gluetun: {
        "vpn-wireguard-private-key?": "WIREGUARD_PRIVATE_KEY_SECRETFILE",
        "vpn-openvpn-user?": "OPENVPN_USER_SECRETFILE",
        "vpn-openvpn-password?": "OPENVPN_PASSWORD_SECRETFILE",
        // Its port-forwarding command signs in to qBittorrent with it (components/vpn.ts).
        "qbittorrent-password": null,
    },
};

/** Everything beyond an ordinary container: added capabilities and host devices. Any other entry adds none. */
export const PRIVILEGES: Record<string, { capabilities?: string[]; devices?: string[] }> = {
    // Bans: iptables rules in the host's namespace.
    fail2ban: { capabilities: ["NET_ADMIN", "NET_RAW"] },
    // OOM events from the kernel log.
    cadvisor: { capabilities: ["SYSLOG"], devices: ["/dev/kmsg"] },
    // The tunnel and its kill switch: iptables and routes in its own namespace (qBittorrent's too), a TUN device.
    gluetun: { capabilities: ["NET_ADMIN"], devices: ["/dev/net/tun"] },
};

/** Containers that run as the stack user (puid:pgid) rather than the image's own user or s6's PUID/PGID drop. */
export const RUN_AS_STACK_USER = [
    "redis", "authelia", "audiobookshelf", "prometheus", "grafana", "alertmanager",
    "exportarr-sonarr", "exportarr-radarr", "exportarr-lidarr", "exportarr-prowlarr", "exportarr-readarr", "qbittorrent-exporter", "overseerr",
    // Reads the proxy's timing log (0644); fail2ban-exporter stays root, as Fail2Ban's socket is root's.
    "mtail",
];

/** The port each app listens on inside its container, as its pinned image ships it (../shared/reference/service-facts.md). */
export const PORTS: Record<string, number> = {
    "nginx-proxy-manager": 81, redis: 6379, authelia: 9091, fail2ban: 0, plex: 32400, sonarr: 8989, radarr: 7878, lidarr: 8686,
    bazarr: 6767, qbittorrent: 8080, nzbget: 6789, prowlarr: 9696, readarr: 8787, calibre: 8080, audiobookshelf: 80,
    prometheus: 9090, grafana: 3000, tautulli: 8181, portainer: 9000, alertmanager: 9093, "node-exporter": 9100, cadvisor: 8080,
    "blackbox-exporter": 9115, gluetun: 8000, "exportarr-sonarr": 9707, "exportarr-radarr": 9707, "exportarr-lidarr": 9707, "exportarr-prowlarr": 9707,
    "exportarr-readarr": 9707, "qbittorrent-exporter": 8090, organizr: 80, overseerr: 5055, watchlist: 3003,
    diun: 42286, mtail: 3903, "fail2ban-exporter": 9191,
};

/**
 * Secrets a container can only read from its environment (the app has no file form), each reviewed: the container's
 * whole `envs` input is then a Pulumi secret. Anyone who can `docker inspect` it is root on the host anyway.
 */
export const SECRET_ENV: Record<string, string[]> = {
    // Seerr: API_KEY overrides settings.main.apiKey (server/lib/settings/index.ts); no _FILE variant.
    overseerr: ["API_KEY"],
    // Tautulli: TAUTULLI_<KEY> overrides config.ini (plexpy/config.py _from_env); no _FILE variant. Set once Plex is claimed.
    tautulli: ["TAUTULLI_PMS_TOKEN"],
};
