import { ARR_API_BYPASS, CONFIG_VOLUME, LSIO_CURL, curlHealth } from "./shared";
import { ServiceSpec } from "./types";

export const DOWNLOADS: ServiceSpec[] = [
    {
        name: "gluetun",
        group: "downloads",
        description: "VPN tunnel for qBittorrent with a kill switch: torrent traffic leaves only through the VPN",
        image: { repository: "qmcgaw/gluetun", tag: "v3.41.1" },
        // Its control server, bound to the namespace's loopback (HTTP_CONTROL_SERVER_ADDRESS): v3.41.1 serves some
        // routes without auth, and nothing outside needs them. Not a web UI: no route.
        port: 8000,
        flavor: "plain",
        // None of its own: it joins qBittorrent's networks under qBittorrent's name (vpnFor), so the proxy and the
        // *arr apps keep dialing qbittorrent:8080, which is now this namespace. gluetun accepts input from directly
        // connected subnets (internal/firewall/enable.go:130-136) and drops every other way out but the tunnel.
        networks: [],
        vpnFor: "qbittorrent",
        volumes: [],
        env: { HTTP_CONTROL_SERVER_ADDRESS: "127.0.0.1:8000" },
        secrets: [
            { secret: "vpn-wireguard-private-key", env: "WIREGUARD_PRIVATE_KEY_SECRETFILE", optional: true },
            { secret: "vpn-openvpn-user", env: "OPENVPN_USER_SECRETFILE", optional: true },
            { secret: "vpn-openvpn-password", env: "OPENVPN_PASSWORD_SECRETFILE", optional: true },
            // The port-forwarding command logs in to qBittorrent's API to set the forwarded port (components/vpn.ts).
            { secret: "qbittorrent-password" },
        ],
        capabilities: ["NET_ADMIN"],
        devices: ["/dev/net/tun"],
        healthcheck: { image: "/gluetun-entrypoint healthcheck every 5 s: healthy only once the VPN is up (Dockerfile HEALTHCHECK, gluetun v3.41.1)" },
        memoryMb: 256,
        enabledByDefault: false,
        requires: ["qbittorrent"],
    },
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
        placement: "any",
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
        placement: "any",
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
        placement: "any",
        enabledByDefault: true,
    },
];
