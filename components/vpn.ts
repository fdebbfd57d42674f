import { VpnConfig } from "../config/vpn";
import { QBITTORRENT_USER } from "./files/qbittorrent";
import { SECRETS_MOUNT } from "./service";

/** qBittorrent's web API as gluetun's own namespace reaches it: qBittorrent listens there, behind the VPN. */
const QBITTORRENT_API = "http://127.0.0.1:8080/api/v2";

/**
 * gluetun's VPN_PORT_FORWARDING_UP_COMMAND: signs in to qBittorrent's API with the stack's password (read from its
 * secret file, never in the environment) and makes the forwarded port qBittorrent's listening port on the tunnel.
 * gluetun splits the command like a shell without running one (internal/command/split.go), so it calls sh itself;
 * {{PORT}} and {{VPN_INTERFACE}} are gluetun's placeholders, digits and an interface name.
 */
export function portForwardCommand(): string {
    const login = `wget -qO- --save-cookies "$c" --keep-session-cookies --post-data "username=${QBITTORRENT_USER}&password=$(cat ${SECRETS_MOUNT}/qbittorrent-password)" ${QBITTORRENT_API}/auth/login`;
    const prefs = `wget -qO- --load-cookies "$c" --post-data "json={\\"listen_port\\":{{PORT}},\\"current_network_interface\\":\\"{{VPN_INTERFACE}}\\",\\"random_port\\":false,\\"upnp\\":false}" ${QBITTORRENT_API}/app/setPreferences`;
    return `/bin/sh -c 'c=$(mktemp) && ${login} && ${prefs}; r=$?; rm -f "$c"; exit $r'`;
}

/** gluetun's environment from monsterr:vpn; credentials arrive as `*_SECRETFILE` files (catalog secrets). */
export function gluetunEnv(vpn: VpnConfig): string[] {
    return [
        `VPN_SERVICE_PROVIDER=${vpn.provider}`,
        `VPN_TYPE=${vpn.type}`,
        // gluetun splits on commas without trimming (validated: no commas or edge spaces in a name).
        ...(vpn.serverCountries.length ? [`SERVER_COUNTRIES=${vpn.serverCountries.join(",")}`] : []),
        ...(vpn.wireguardAddresses ? [`WIREGUARD_ADDRESSES=${vpn.wireguardAddresses}`] : []),
        `VPN_PORT_FORWARDING=${vpn.portForwarding ? "on" : "off"}`,
        ...(vpn.portForwarding ? [`VPN_PORT_FORWARDING_UP_COMMAND=${portForwardCommand()}`] : []),
    ];
}
