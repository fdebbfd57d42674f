import * as pulumi from "@pulumi/pulumi";
import { QBITTORRENT_USER } from "./components/files/qbittorrent";
import { MediaServer } from "./components/mediaServer";
import { SecretId } from "./config/catalog";
import { loadConfig } from "./config/load";

/** The whole program; its result is the stack's outputs. */
export function program() {
    // Validation throws before any resource is registered, so a bad stack setting never yields a half-built plan.
    const config = loadConfig();
    const server = new MediaServer("monsterr", { config });

    const credential = (user: string, id: SecretId) => (server.secrets.has(id) ? { user, password: server.secrets.value(id) } : undefined);

    return {
        urls: server.urls,
        /** Every admin login the stack generated: `pulumi stack output adminCredentials --show-secrets`. */
        adminCredentials: pulumi.secret({
            authelia: config.secrets.adminPassword
                ? { user: config.adminUser, password: config.secrets.adminPassword }
                : credential(config.adminUser, "authelia-admin-password"),
            nginxProxyManager: credential(config.adminEmail, "npm-admin-password"),
            grafana: credential("admin", "grafana-admin-password"),
            portainer: credential("admin", "portainer-admin-password"),
            qbittorrent: credential(QBITTORRENT_USER, "qbittorrent-password"),
            nzbget: credential("monsterr", "nzbget-password"),
        }),
        /** The dev stack's local CA: import it into the browser to trust https://*.<domain>. */
        ...(server.core.tls?.caCertPem ? { devCaCertificate: server.core.tls.caCertPem } : {}),
    };
}
