import { ARR_API_BYPASS, CONFIG_VOLUME, LSIO_CURL, curlHealth } from "./shared";
import { ServiceSpec } from "./types";

export const DOWNLOADS: ServiceSpec[] = [
    {
        name: "qbittorrent",
        group: "downloads",
        description: "Torrent client; only its peer port is published, the web UI sits behind Authelia",
        image: { repository: "lscr.io/linuxserver/qbittorrent", tag: "5.2.3_v2.0.13-ls469" },
        port: 8080,
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        publish: [
            { external: "torrentPort", protocol: "tcp" },
            { external: "torrentPort", protocol: "udp" },
        ],
        volumes: [CONFIG_VOLUME, { source: { kind: "data", sub: "torrents" }, target: "/data/torrents" }],
        env: { WEBUI_PORT: "8080", TORRENTING_PORT: "${TORRENT_PORT}" },
        healthcheck: curlHealth("http://localhost:8080/", `${LSIO_CURL}; the web UI serves its login page without a session`),
        memoryMb: 1024,
        route: { subdomain: "qbittorrent", auth: "two_factor", group: "admins", probe: { path: "/" } },
        enabledByDefault: true,
    },
    {
        name: "nzbget",
        group: "downloads",
        description: "Usenet client; control password generated, never the public default",
        image: { repository: "lscr.io/linuxserver/nzbget", tag: "v26.2-ls254" },
        port: 6789,
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        volumes: [CONFIG_VOLUME, { source: { kind: "data", sub: "usenet" }, target: "/data/usenet" }],
        env: { NZBGET_USER: "monsterr" },
        secrets: [{ secret: "nzbget-password", env: "FILE__NZBGET_PASS" }],
        // The seeded nzbget.conf lets 127.0.0.1 in without a password (AuthorizedIP, daemon/remote/WebServer.cpp), so
        // a local request answers 200 and any other address 401; tests/nzbget.test.ts runs this against nzbget.
        healthcheck: curlHealth("http://localhost:6789/jsonrpc/version", `${LSIO_CURL}; /jsonrpc/version answers 127.0.0.1 without a password (AuthorizedIP in the seeded nzbget.conf)`),
        memoryMb: 512,
        // Through the proxy the client is not 127.0.0.1: NZBGet asks for its password, and 401 means it is up.
        route: { subdomain: "nzbget", auth: "two_factor", group: "admins", probe: { path: "/", status: [401] } },
        enabledByDefault: true,
    },
    {
        name: "prowlarr",
        group: "downloads",
        description: "Indexer manager; pushes indexers to the *arr apps",
        image: { repository: "lscr.io/linuxserver/prowlarr", tag: "2.5.2.5491-ls155" },
        port: 9696,
        flavor: "linuxserver",
        networks: ["edge", "backend"],
        volumes: [CONFIG_VOLUME],
        env: { PROWLARR__AUTH__METHOD: "External", PROWLARR__AUTH__REQUIRED: "DisabledForLocalAddresses" },
        secrets: [{ secret: "prowlarr-api-key", env: "FILE__PROWLARR__AUTH__APIKEY" }],
        healthcheck: curlHealth("http://localhost:9696/ping", `${LSIO_CURL}; /ping is [AllowAnonymous] (PingController)`),
        memoryMb: 512,
        route: { subdomain: "prowlarr", auth: "two_factor", bypassPaths: ARR_API_BYPASS, group: "admins", probe: { path: "/ping" } },
        enabledByDefault: true,
    },
];
