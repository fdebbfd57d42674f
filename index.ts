import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load";
import { MediaServer } from "./components/mediaServer";

// Validation throws before any resource is registered, so a bad stack setting never yields a half-built plan.
const config = loadConfig();
const server = new MediaServer("monsterr", { config });

export const urls = server.urls;

const credential = (user: string, id: Parameters<typeof server.secrets.value>[0]) =>
    server.secrets.has(id) ? { user, password: server.secrets.value(id) } : undefined;

/** Every admin login the stack generated; read with `pulumi stack output adminCredentials --show-secrets`. */
export const adminCredentials = pulumi.secret({
    authelia: credential(config.adminUser, "authelia-admin-password"),
    nginxProxyManager: credential(config.adminEmail, "npm-admin-password"),
    grafana: credential("admin", "grafana-admin-password"),
    portainer: credential("admin", "portainer-admin-password"),
    qbittorrent: credential("monsterr", "qbittorrent-password"),
    nzbget: credential("monsterr", "nzbget-password"),
});
