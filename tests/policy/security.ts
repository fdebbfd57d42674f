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
