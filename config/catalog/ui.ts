import { CONFIG_VOLUME, curlHealth, wgetHealth } from "./shared";
import { ServiceSpec } from "./types";

export const UI: ServiceSpec[] = [
    {
        name: "organizr",
        group: "ui",
        // Organizr publishes no version tags (only `latest` and per-arch tags), so it is pinned by digest.
        description: "Household dashboard with every app as a tab",
        image: { repository: "organizr/organizr", tag: "sha256:1ce319d73cdfd2666ec7ef21e15907531fabc8a6f333c4ac61e2b2e9d2d162f5" },
        port: 80,
        flavor: "linuxserver",
        networks: ["edge"],
        volumes: [CONFIG_VOLUME],
        healthcheck: curlHealth("http://localhost:80/", "curl in Organizr's base image (docker-base linux-amd64.Dockerfile, apk add curl); its nginx serves / without a login"),
        memoryMb: 256,
        route: {
            subdomain: "home",
            auth: "one_factor",
            group: "users",
            probe: { path: "/" },
            blockedPaths: [
                { prefix: "/api/v2/wizard", why: "needs no login and rewrites Organizr's config and admin on every call (api/v2/index.php auth bypass list); Monsterr runs it once from inside the proxy container" },
                { prefix: "/api/v2/index.php/wizard", why: "the same route through the front controller's path info" },
            ],
        },
        enabledByDefault: true,
    },
    {
        name: "overseerr",
        group: "ui",
        description: "Media requests: Seerr, the successor Overseerr merged into",
        image: { repository: "ghcr.io/seerr-team/seerr", tag: "v3.5.0" },
        port: 5055,
        flavor: "plain",
        networks: ["edge", "backend"],
        volumes: [{ source: { kind: "config" }, target: "/app/config" }],
        init: true,
        healthcheck: wgetHealth("http://localhost:5055/api/v1/status", "busybox wget in node:22-alpine (Dockerfile); upstream's own check (docs/getting-started/docker.mdx); /api/v1/status needs no session", "1m0s"),
        memoryMb: 512,
        // The image runs as uid 1000 (`USER node`); upstream documents --user for another uid (docker.mdx).
        runAsStackUser: true,
        route: { subdomain: "requests", auth: "one_factor", group: "users", probe: { path: "/api/v1/status" } },
        placement: "any",
        enabledByDefault: true,
        // Requests go to Sonarr and Radarr; Seerr starts and waits for its setup without them.
        requires: ["sonarr", "radarr"],
    },
    {
        name: "watchlist",
        group: "ui",
        description: "Plex watchlist to Sonarr/Radarr sync: Pulsarr, the maintained successor of Watchlistarr",
        image: { repository: "lakker/pulsarr", tag: "1.1.6" },
        port: 3003,
        flavor: "plain",
        networks: ["edge", "backend"],
        volumes: [{ source: { kind: "config" }, target: "/app/data" }],
        // baseUrl + port is what Pulsarr registers as its webhook in Sonarr and Radarr (constructWebhookUrl): its name
        // on the backend network they share, never the public route (port not published, two factors needed).
        // Its entrypoint takes PUID/PGID and drops root itself (docker-entrypoint.sh, su-exec).
        env: { baseUrl: "http://watchlist", port: "3003", PUID: "${PUID}", PGID: "${PGID}" },
        healthcheck: wgetHealth("http://localhost:3003/health", "upstream's own check: busybox wget of /health (docker-healthcheck.sh)", "1m0s"),
        memoryMb: 512,
        route: { subdomain: "watchlist", auth: "two_factor", group: "admins", probe: { path: "/health" } },
        placement: "any",
        enabledByDefault: true,
        requires: ["sonarr", "radarr"],
    },
];
