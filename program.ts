import * as pulumi from "@pulumi/pulumi";
import { QBITTORRENT_USER } from "./components/files/qbittorrent";
import { MediaServer } from "./components/mediaServer";
import { SecretId } from "./config/catalog";
import { loadConfig } from "./config/load";
import { resticRepository } from "./config/backup";
import { wiringTodo } from "./components/wiring/todo";

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
            audiobookshelf: credential(config.adminUser, "audiobookshelf-root-password"),
            organizr: credential(config.adminUser, "organizr-admin-password"),
        }),
        /** Household accounts: groups, and the password of each that has none of its own (`--show-secrets`). */
        userCredentials: pulumi.secret(
            Object.fromEntries(config.users.map((u) => [u.name, { groups: u.groups, password: u.ownPassword ? "(monsterr:userPasswords)" : server.secrets.userPassword(u.name) }])),
        ),
        /** Where the backups go and the repository's password: keep a copy off the server, for a restore onto a new one. */
        ...(server.secrets.resticPassword
            ? { backup: pulumi.secret({ repository: resticRepository(config.backup.repository), password: server.secrets.resticPassword.hostContent! }) }
            : {}),
        /** What the apps were connected to each other with, and what still needs a person (empty when nothing). */
        wiring: pulumi.all([server.plexToken?.claimed ?? pulumi.output(true), server.wiring.pending]).apply(([claimed, pending]) => ({
            links: server.wiring.links.length,
            todo: wiringTodo({ domain: config.domain, plexClaimed: claimed !== false, seerrPending: pending.includes("seerr"), tautulli: server.service("tautulli") !== undefined }),
        })),
        /** The dev stack's local CA: import it into the browser to trust https://*.<domain>. */
        ...(server.core.tls?.caCertPem ? { devCaCertificate: server.core.tls.caCertPem } : {}),
    };
}
