import { ARR_API_BYPASS, CONFIG_VOLUME, DATA_VOLUME, LSIO_CURL, curlHealth, wgetHealth } from "./shared";
import { ServiceSpec } from "./types";

export const BOOKS: ServiceSpec[] = [
    {
        name: "readarr",
        group: "books",
        description: "Books and audiobooks manager: Bookshelf, the maintained Readarr-API-compatible fork (Readarr is archived)",
        image: { repository: "ghcr.io/pennydreadful/bookshelf", tag: "hardcover-v0.4.20" },
        port: 8787,
        // Built on linuxserver's base image: PUID/PGID and FILE__ secrets (docker/Dockerfile, init-envfile).
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        volumes: [CONFIG_VOLUME, DATA_VOLUME],
        env: { READARR__AUTH__METHOD: "External", READARR__AUTH__REQUIRED: "DisabledForLocalAddresses" },
        secrets: [{ secret: "readarr-api-key", env: "FILE__READARR__AUTH__APIKEY" }],
        healthcheck: curlHealth("http://localhost:8787/ping", `${LSIO_CURL}; /ping is [AllowAnonymous] (src/Readarr.Http/Ping/PingController.cs)`),
        memoryMb: 1024,
        route: { subdomain: "readarr", auth: "two_factor", bypassPaths: ARR_API_BYPASS, group: "admins", probe: { path: "/ping" } },
        placement: "any",
        enabledByDefault: true,
        requires: ["prowlarr"],
    },
    {
        name: "calibre",
        group: "books",
        description: "Calibre library GUI (a Selkies desktop in the browser) over the books folder",
        image: { repository: "lscr.io/linuxserver/calibre", tag: "v9.13.0-ls416" },
        port: 8080,
        flavor: "linuxserver",
        networks: ["edge"],
        volumes: [CONFIG_VOLUME, { source: { kind: "data", sub: "media/books" }, target: "/data/media/books" }],
        // The desktop gives whoever reaches it a terminal with passwordless sudo (docker-calibre README): take both away.
        env: { DISABLE_SUDO: "true", DISABLE_TERMINALS: "true" },
        healthcheck: curlHealth("http://localhost:8080/", `${LSIO_CURL} (ubuntu base too); the GUI has no login unless PASSWORD is set`, "2m0s"),
        memoryMb: 2048,
        // The README's `shm_size: "1gb"`: the desktop's browser engine crashes in Docker's default 64 MB.
        shmSizeMb: 1024,
        route: { subdomain: "calibre", auth: "two_factor", group: "admins", probe: { path: "/" } },
        placement: "any",
        enabledByDefault: true,
    },
    {
        name: "audiobookshelf",
        group: "books",
        description: "Audiobook and podcast server with its own accounts for the mobile apps",
        image: { repository: "ghcr.io/advplyr/audiobookshelf", tag: "2.36.0" },
        port: 80,
        flavor: "plain",
        networks: ["edge"],
        volumes: [
            CONFIG_VOLUME,
            { source: { kind: "config", sub: "metadata" }, target: "/metadata" },
            { source: { kind: "data", sub: "media/audiobooks" }, target: "/audiobooks" },
            { source: { kind: "data", sub: "media/podcasts" }, target: "/podcasts" },
        ],
        // node:20-alpine at runtime: busybox wget, no curl; the image has no HEALTHCHECK of its own (Dockerfile v2.36.0).
        healthcheck: wgetHealth("http://localhost:80/healthcheck", "busybox wget in node:20-alpine; /healthcheck has no auth middleware (server/Server.js)", "1m0s"),
        memoryMb: 512,
        // Upstream documents `user:` (docker-compose.yml); as root it would write root-owned podcasts into the data tree.
        runAsStackUser: true,
        route: {
            subdomain: "audiobooks",
            auth: "one_factor",
            bypassPaths: [{ prefix: "/api/" }, { exact: "/login" }, { prefix: "/socket.io/" }, { prefix: "/public/" }, { prefix: "/feed/" }],
            group: "users",
            probe: { path: "/healthcheck" },
        },
        placement: "any",
        enabledByDefault: true,
    },
];
