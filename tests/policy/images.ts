/**
 * What each pinned image contains that a healthcheck can use, checked against the image's upstream source at the
 * pinned version (the files named), written down by hand so the catalog cannot vouch for itself. `healthcheck`:
 * the image's own HEALTHCHECK instruction, when it has one.
 */
export interface ImageFacts {
    tools: string[];
    healthcheck?: string;
    source: string;
}

const LSIO = { tools: ["sh", "curl", "nc"], source: "linuxserver baseimage (package_versions.txt: curl, netcat)" };
const PROM_BUSYBOX = { tools: ["sh", "wget", "nc"], source: "quay.io/prometheus/busybox base (busybox uclibc rootfs: wget, nc, no curl)" };

export const IMAGES: Record<string, ImageFacts> = {
    "jc21/nginx-proxy-manager": { tools: ["sh", "curl", "/usr/bin/check-health"], source: "docker/rootfs/usr/bin/check-health, Debian base with curl (v2.15.1)" },
    "authelia/authelia": { tools: ["sh", "wget"], healthcheck: "/app/healthcheck.sh", source: "Dockerfile HEALTHCHECK and healthcheck.sh (v4.39.20)" },
    redis: { tools: ["sh", "redis-cli", "wget", "nc"], source: "docker-library redis 7.4 alpine (busybox)" },
    "crazymax/fail2ban": { tools: ["sh", "bash", "curl", "wget"], healthcheck: "fail2ban-client ping", source: "crazy-max/docker-fail2ban Dockerfile (1.1.0-r6)" },
    "lscr.io/linuxserver/plex": LSIO,
    "qmcgaw/gluetun": { tools: ["sh", "wget"], healthcheck: "/gluetun-entrypoint healthcheck", source: "Dockerfile v3.41.1: alpine:3.22 (busybox sh), apk add wget (GNU), HEALTHCHECK /gluetun-entrypoint healthcheck" },
    "lscr.io/linuxserver/sonarr": LSIO,
    "lscr.io/linuxserver/radarr": LSIO,
    "lscr.io/linuxserver/lidarr": LSIO,
    "lscr.io/linuxserver/bazarr": LSIO,
    "lscr.io/linuxserver/qbittorrent": LSIO,
    "lscr.io/linuxserver/nzbget": LSIO,
    "lscr.io/linuxserver/prowlarr": LSIO,
    "lscr.io/linuxserver/calibre": { tools: ["sh", "curl", "wget", "nc"], source: "docker-calibre package_versions.txt (v9.13.0-ls416)" },
    "ghcr.io/pennydreadful/bookshelf": { tools: ["sh", "curl", "nc"], source: "docker/Dockerfile FROM linuxserver baseimage-alpine 3.21" },
    "ghcr.io/advplyr/audiobookshelf": { tools: ["sh", "wget", "node"], source: "Dockerfile v2.36.0: node:20-alpine runtime, curl only in the build stage, no HEALTHCHECK" },
    "prom/prometheus": PROM_BUSYBOX,
    "prom/alertmanager": PROM_BUSYBOX,
    "prom/node-exporter": PROM_BUSYBOX,
    "prom/blackbox-exporter": PROM_BUSYBOX,
    "grafana/grafana": { tools: ["sh", "wget", "curl", "nc"], source: "Dockerfile: alpine base, apk add curl" },
    "ghcr.io/tautulli/tautulli": { tools: ["sh", "curl"], healthcheck: "curl /status", source: "Dockerfile HEALTHCHECK (v2.17.2), python:3.11-slim base" },
    "portainer/portainer-ce": { tools: [], source: "build/linux/Dockerfile FROM portainer/base (scratch)" },
    "ghcr.io/google/cadvisor": { tools: ["sh", "wget", "nc"], healthcheck: "healthcheck.sh", source: "deploy/Dockerfile HEALTHCHECK (v0.60.5), alpine base" },
    "ghcr.io/martabal/qbittorrent-exporter": { tools: ["sh", "wget", "nc"], source: "Dockerfile v2.0.1: alpine base" },
    "ghcr.io/onedr0p/exportarr": { tools: [], source: "Dockerfile v2.3.0: gcr.io/distroless/static" },
    "ghcr.io/google/mtail": { tools: [], source: "Dockerfile.goreleaser v3.0.9: FROM scratch, /mtail only" },
    "registry.gitlab.com/hctrdev/fail2ban-prometheus-exporter": { tools: ["sh", "curl"], healthcheck: "/app/health", source: "Dockerfile.goreleaser v0.10.3: alpine, apk add curl, HEALTHCHECK CMD /app/health (curl localhost:9191/health)" },
    "organizr/organizr": { tools: ["sh", "curl", "wget", "nc"], source: "Organizr/docker-base linux-amd64.Dockerfile: apk add curl" },
    "ghcr.io/seerr-team/seerr": { tools: ["sh", "wget"], source: "Dockerfile: node alpine base; upstream's docs use wget" },
    "crazymax/diun": { tools: ["sh", "wget", "diun"], source: "Dockerfile v4.33.0: alpine:3.23 (busybox sh, wget), /usr/local/bin/diun; no HEALTHCHECK, `diun healthcheck` since 4.33.0" },
    "lakker/pulsarr": { tools: ["sh", "wget"], source: "docker-healthcheck.sh (busybox wget), alpine userland in docker-entrypoint.sh" },
};
