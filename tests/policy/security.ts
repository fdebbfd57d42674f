/**
 * The security and behaviour properties a reviewer signed off, written by hand and compared against the generated
 * artifacts by tests/policy.test.ts. Changing one takes two edits: the code and this table.
 */

/** Authelia's regulation: failed logins per user and per address before a ban. */
export const REGULATION = { modes: ["user", "ip"], max_retries: 5, find_time: "10m", ban_time: "30m" };

/** Fail2Ban jails on an ssh host (the dev stack has no sshd jail and only records bans). */
export const JAILS: Record<string, { maxretry: number; findtime: string; bantime: string; chain: "INPUT" | "DOCKER-USER"; ports: string }> = {
    sshd: { maxretry: 5, findtime: "10m", bantime: "1h", chain: "INPUT", ports: "22" },
    "monsterr-authelia": { maxretry: 5, findtime: "10m", bantime: "1h", chain: "DOCKER-USER", ports: "80,443" },
    "monsterr-proxy": { maxretry: 30, findtime: "2m", bantime: "1h", chain: "DOCKER-USER", ports: "80,443" },
};

/** Host ports Docker publishes (the torrent port is the stack's setting); host-network containers and their port. */
export const PUBLISHED: Record<string, string[]> = {
    "nginx-proxy-manager": ["80/tcp", "443/tcp"],
    qbittorrent: ["TORRENT/tcp", "TORRENT/udp"],
};
export const HOST_NETWORK: Record<string, string | null> = { plex: "32400/tcp", fail2ban: null };

/**
 * The split stack (Pulumi.split.yaml): what each host's firewall opens (UFW rules as `ufw show added` prints them)
 * and what the feeder's apps publish. The edge is today's single host; the feeder opens sshd and the torrent port
 * to everyone, and each app's private port only to the edge host (10.10.0.1), where the proxy and Prometheus run.
 */
const FROM_EDGE = (port: number, service: string) => `from 10.10.0.1 to any port ${port} proto tcp comment 'monsterr ${service}'`;
export const SPLIT_FIREWALL: Record<string, string[]> = {
    edge: ["22/tcp comment 'monsterr sshd'", "80/tcp comment 'monsterr nginx-proxy-manager'", "443/tcp comment 'monsterr nginx-proxy-manager'", "32400/tcp comment 'monsterr plex'"],
    feeder: [
        "22/tcp comment 'monsterr sshd'",
        "51413/tcp comment 'monsterr qbittorrent'",
        "51413/udp comment 'monsterr qbittorrent'",
        ...([[17050, "sonarr"], [17060, "radarr"], [17070, "lidarr"], [17080, "bazarr"], [17100, "qbittorrent"], [17110, "nzbget"], [17120, "prowlarr"], [17130, "readarr"], [17240, "node-exporter"], [17250, "cadvisor"], [17350, "fail2ban-exporter"], [17270, "exportarr-sonarr"], [17280, "exportarr-radarr"], [17290, "exportarr-lidarr"], [17300, "exportarr-prowlarr"], [17310, "exportarr-readarr"], [17320, "qbittorrent-exporter"], [17220, "watchlist"]] as const).map(([p, s]) => FROM_EDGE(p, s)),
    ],
};
/** Containers that publish ports on the split stack, with the address they bind: `address:host port->container port`. */
export const SPLIT_PUBLISHED: Record<string, string[]> = {
    "nginx-proxy-manager": ["0.0.0.0:80->80/tcp", "0.0.0.0:443->443/tcp"],
    qbittorrent: ["0.0.0.0:51413->51413/tcp", "0.0.0.0:51413->51413/udp", "10.10.0.2:17100->8080/tcp"],
    sonarr: ["10.10.0.2:17050->8989/tcp"],
    radarr: ["10.10.0.2:17060->7878/tcp"],
    lidarr: ["10.10.0.2:17070->8686/tcp"],
    bazarr: ["10.10.0.2:17080->6767/tcp"],
    nzbget: ["10.10.0.2:17110->6789/tcp"],
    prowlarr: ["10.10.0.2:17120->9696/tcp"],
    readarr: ["10.10.0.2:17130->8787/tcp"],
    "node-exporter@feeder": ["10.10.0.2:17240->9100/tcp"],
    "cadvisor@feeder": ["10.10.0.2:17250->8080/tcp"],
    "fail2ban-exporter@feeder": ["10.10.0.2:17350->9191/tcp"],
    "exportarr-sonarr": ["10.10.0.2:17270->9707/tcp"],
    "exportarr-radarr": ["10.10.0.2:17280->9707/tcp"],
    "exportarr-lidarr": ["10.10.0.2:17290->9707/tcp"],
    "exportarr-prowlarr": ["10.10.0.2:17300->9707/tcp"],
    "exportarr-readarr": ["10.10.0.2:17310->9707/tcp"],
    "qbittorrent-exporter": ["10.10.0.2:17320->8090/tcp"],
    watchlist: ["10.10.0.2:17220->3003/tcp"],
};

/** Which stack outputs are secrets. */
export const OUTPUTS: Record<string, "secret" | "plain"> = { urls: "plain", adminCredentials: "secret", devCaCertificate: "plain", wiring: "plain", userCredentials: "secret", backup: "secret" };

/** Every container restarts unless a person stopped it. */
export const RESTART = "unless-stopped";

/** Where each app sees the data tree (same container path everywhere, so imports are hardlinks): host sub-path -> container path. */
export const DATA_MOUNTS: Record<string, Record<string, string>> = {
    plex: { media: "/data/media" },
    sonarr: { "": "/data" },
    radarr: { "": "/data" },
    lidarr: { "": "/data" },
    readarr: { "": "/data" },
    bazarr: { media: "/data/media" },
    qbittorrent: { torrents: "/data/torrents" },
    nzbget: { usenet: "/data/usenet" },
    calibre: { "media/books": "/data/media/books" },
    audiobookshelf: { "media/audiobooks": "/audiobooks", "media/podcasts": "/podcasts" },
    "node-exporter": { "": "/monsterr/data" },
};

/**
 * Alertmanager inhibitions: what a firing source alert holds back. Nothing is held back by a "host down" alert:
 * Prometheus runs on the host it watches, so such an alert could never be sent.
 */
export const INHIBITIONS = [
    { source_matchers: ['alertname="CadvisorSeesNoContainers"'], target_matchers: ['alertname=~"ContainerDown|ContainerUnhealthy|ContainerRestarting"'] },
    { source_matchers: ['alertname="TargetDown"', 'job="cadvisor"'], target_matchers: ['alertname="ContainerDown"'] },
    { source_matchers: ['alertname="DiskUsageCritical"'], target_matchers: ['alertname="DiskUsageHigh"'], equal: ["volume"] },
];

/** The node-exporter mount points that become the `volume` label the disk alerts group by. */
export const VOLUMES: Record<string, string | undefined> = { "/monsterr/config": "config", "/monsterr/data": "data", "/": undefined, "/monsterr/data/media": undefined, "/xmonsterr/data": undefined };
