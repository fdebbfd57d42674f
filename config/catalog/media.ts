import { ARR_API_BYPASS, CONFIG_VOLUME, DATA_VOLUME, LSIO_CURL, curlHealth } from "./shared";
import { ImageRef, ServiceSpec } from "./types";

export const MEDIA: ServiceSpec[] = [
    {
        name: "plex",
        group: "media",
        description: "Media server; host networking for local discovery, its own account login",
        image: { repository: "lscr.io/linuxserver/plex", tag: "1.43.3.10828-00f62d37d-ls315" },
        port: 32400,
        flavor: "linuxserver",
        networks: [],
        hostNetwork: true,
        // No /transcode mount: the image leaves Plex's transcoder directory to Plex, which keeps it under /config
        // unless set in its settings (docker-plex README, "Remove /transcode volume mapping"). Hardware transcoding:
        // the stack's services.plex.devices, e.g. [/dev/dri].
        volumes: [CONFIG_VOLUME, { source: { kind: "data", sub: "media" }, target: "/data/media" }],
        env: { VERSION: "docker" },
        secrets: [{ secret: "plex-claim", env: "FILE__PLEX_CLAIM", optional: true }],
        healthcheck: curlHealth("http://localhost:32400/identity", `${LSIO_CURL}; /identity is Plex's unauthenticated server identity`),
        memoryMb: 4096,
        route: { subdomain: "plex", auth: "bypass", probe: { path: "/identity" } },
        backup: { exclude: ["Library/Application Support/Plex Media Server/Cache", "Library/Application Support/Plex Media Server/Codecs", "Library/Application Support/Plex Media Server/Crash Reports", "Library/Application Support/Plex Media Server/Logs", "Library/Application Support/Plex Media Server/Updates"], why: "caches, downloaded codecs, logs and updates Plex fetches again" },
        placement: "any",
        enabledByDefault: true,
    },
    arr({ name: "sonarr", port: 8989, apiKey: "sonarr-api-key", prefix: "SONARR", image: { repository: "lscr.io/linuxserver/sonarr", tag: "4.0.19.2979-ls316" } }),
    arr({ name: "radarr", port: 7878, apiKey: "radarr-api-key", prefix: "RADARR", image: { repository: "lscr.io/linuxserver/radarr", tag: "6.2.1.10461-ls308" } }),
    arr({ name: "lidarr", port: 8686, apiKey: "lidarr-api-key", prefix: "LIDARR", image: { repository: "lscr.io/linuxserver/lidarr", tag: "3.1.0.4875-ls38" } }),
    {
        name: "bazarr",
        group: "media",
        description: "Subtitles for Sonarr and Radarr",
        image: { repository: "lscr.io/linuxserver/bazarr", tag: "v1.6.0-ls360" },
        port: 6767,
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        volumes: [CONFIG_VOLUME, { source: { kind: "data", sub: "media" }, target: "/data/media" }],
        healthcheck: curlHealth("http://localhost:6767/", `${LSIO_CURL}; Bazarr serves its UI without a login (its own auth is off)`),
        memoryMb: 512,
        route: { subdomain: "bazarr", auth: "two_factor", bypassPaths: ARR_API_BYPASS, group: "admins", probe: { path: "/" } },
        placement: "any",
        enabledByDefault: true,
        // Subtitles for their libraries; Bazarr starts and retries on its own.
        requires: ["sonarr", "radarr"],
    },
];

/** Sonarr, Radarr, Lidarr: same shape, different port and API key; the key is pre-set through the environment. */
function arr({ name, port, apiKey, prefix, image }: { name: "sonarr" | "radarr" | "lidarr"; port: number; apiKey: "sonarr-api-key" | "radarr-api-key" | "lidarr-api-key"; prefix: string; image: ImageRef }): ServiceSpec {
    return {
        name,
        group: "media",
        description: `${prefix[0]}${prefix.slice(1).toLowerCase()}: library manager, imports from the download clients by hardlink`,
        image,
        port,
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        volumes: [CONFIG_VOLUME, DATA_VOLUME],
        env: { [`${prefix}__AUTH__METHOD`]: "External", [`${prefix}__AUTH__REQUIRED`]: "DisabledForLocalAddresses" },
        secrets: [{ secret: apiKey, env: `FILE__${prefix}__AUTH__APIKEY` }],
        healthcheck: curlHealth(`http://localhost:${port}/ping`, `${LSIO_CURL}; /ping is [AllowAnonymous] (PingController)`),
        memoryMb: 1024,
        route: { subdomain: name, auth: "two_factor", bypassPaths: ARR_API_BYPASS, group: "admins", probe: { path: "/ping" } },
        placement: "any",
        enabledByDefault: true,
        // Indexers come from Prowlarr; the app starts and serves its library without it.
        requires: ["prowlarr"],
    };
}
