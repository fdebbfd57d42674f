import { StackSecrets } from "../types";
import { SecretId, ServiceName } from "./types";

export interface SecretSpec {
    /** Generated only while this service is enabled. */
    service: ServiceName;
    length: number;
    /** Not generated: the value of this stack secret, when the user set it. */
    userSecret?: keyof StackSecrets;
    /** Lower-case letters and digits only: API keys that apps compare as lower-case hex-like strings. */
    apiKey?: boolean;
    /** No container reads it: on the host it is root-only (0400), kept there only so a later stack adopts it. */
    stateOnly?: boolean;
    purpose: string;
}

/** Every generated secret; all are alphanumeric so they survive URLs, YAML and INI files unescaped. */
export const SECRETS: Record<SecretId, SecretSpec> = {
    "authelia-jwt-secret": { service: "authelia", length: 64, purpose: "Authelia identity validation (password reset) JWT secret" },
    "authelia-session-secret": { service: "authelia", length: 64, purpose: "Authelia session cookie secret" },
    "authelia-storage-key": { service: "authelia", length: 64, purpose: "Authelia storage encryption key" },
    "authelia-admin-password": { service: "authelia", length: 24, purpose: "Authelia admin user's first-factor password" },
    "redis-password": { service: "redis", length: 48, purpose: "Redis requirepass (Authelia sessions)" },
    "npm-admin-password": { service: "nginx-proxy-manager", length: 32, stateOnly: true, purpose: "Nginx Proxy Manager admin, set through its API after the first start (the program's own API login)" },
    "npm-bootstrap-password": { service: "nginx-proxy-manager", length: 32, purpose: "Nginx Proxy Manager's INITIAL_ADMIN_PASSWORD, which NPM prints to its log; replaced by npm-admin-password right after the first start" },
    "sonarr-api-key": { service: "sonarr", length: 32, apiKey: true, purpose: "Sonarr API key" },
    "radarr-api-key": { service: "radarr", length: 32, apiKey: true, purpose: "Radarr API key" },
    "lidarr-api-key": { service: "lidarr", length: 32, apiKey: true, purpose: "Lidarr API key" },
    "prowlarr-api-key": { service: "prowlarr", length: 32, apiKey: true, purpose: "Prowlarr API key" },
    "readarr-api-key": { service: "readarr", length: 32, apiKey: true, purpose: "Readarr (Bookshelf) API key" },
    "qbittorrent-password": { service: "qbittorrent", length: 32, purpose: "qBittorrent web UI password" },
    "nzbget-password": { service: "nzbget", length: 32, purpose: "NZBGet control password" },
    "grafana-admin-password": { service: "grafana", length: 32, purpose: "Grafana break-glass admin password" },
    "portainer-admin-password": { service: "portainer", length: 32, purpose: "Portainer first admin" },
    "qbittorrent-password-salt": { service: "qbittorrent", length: 16, purpose: "Salt of qBittorrent's PBKDF2 password hash (16 bytes): stable, so qBittorrent.conf only changes with the password" },
    "plex-claim": { service: "plex", length: 0, userSecret: "plexClaim", purpose: "Plex claim token (first start only), from monsterr:plexClaim" },
    "bazarr-api-key": { service: "bazarr", length: 32, apiKey: true, stateOnly: true, purpose: "Bazarr API key, seeded into its config.yaml before the first start (the wiring's login)" },
    "audiobookshelf-root-password": { service: "audiobookshelf", length: 32, stateOnly: true, purpose: "Audiobookshelf root user, created by the wiring through POST /init before anyone else can" },
    "organizr-api-key": { service: "organizr", length: 20, apiKey: true, stateOnly: true, purpose: "Organizr API key (exactly 20 characters), set by the wiring's run of its setup wizard" },
    "organizr-admin-password": { service: "organizr", length: 32, stateOnly: true, purpose: "Organizr admin, created by the wiring's run of its setup wizard" },
    "organizr-hash-key": { service: "organizr", length: 32, stateOnly: true, purpose: "Organizr's hash key (encryption and form-key salt), set by its setup wizard" },
    "organizr-registration-password": { service: "organizr", length: 32, stateOnly: true, purpose: "Organizr's registration password (new users sign up with it), set by its setup wizard" },
    "seerr-api-key": { service: "overseerr", length: 32, apiKey: true, stateOnly: true, purpose: "Seerr API key, passed as API_KEY (Seerr reads no file form): the wiring's login once its first admin exists" },
    "vpn-wireguard-private-key": { service: "gluetun", length: 0, userSecret: "vpnWireguardPrivateKey", purpose: "WireGuard private key for gluetun, from monsterr:vpnWireguardPrivateKey" },
    "vpn-openvpn-user": { service: "gluetun", length: 0, userSecret: "vpnOpenvpnUser", purpose: "OpenVPN user name for gluetun, from monsterr:vpnOpenvpnUser" },
    "vpn-openvpn-password": { service: "gluetun", length: 0, userSecret: "vpnOpenvpnPassword", purpose: "OpenVPN password for gluetun, from monsterr:vpnOpenvpnPassword" },
    "authelia-password-salt": { service: "authelia", length: 22, purpose: "Salt of the Authelia admin's argon2id hash: stable, so users_database.yml only changes with the password" },
};
