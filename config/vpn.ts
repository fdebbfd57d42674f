import type { SecretPresence } from "./types";
import { Bad } from "./parse";
import { read, readList, readObject } from "./schema/setting";
import { VPN, vpnProvider } from "./schema/settings";
import { PORT_FORWARDING_PROVIDERS, VPN_PROVIDERS, WIREGUARD_PROVIDERS } from "./schema/upstream";

/**
 * qBittorrent behind gluetun (qmcgaw/gluetun v3.41.1): its traffic leaves only through the tunnel (gluetun drops all
 * other egress), and with port forwarding the provider's forwarded port becomes qBittorrent's listening port.
 */
export interface VpnConfig {
    enabled: boolean;
    /** gluetun's VPN_SERVICE_PROVIDER, lower case. */
    provider: string;
    type: "wireguard" | "openvpn";
    /** SERVER_COUNTRIES: country names as the provider's server list spells them (e.g. Netherlands). */
    serverCountries: string[];
    /** WIREGUARD_ADDRESSES: the interface address the provider assigned (IPv4 CIDR). */
    wireguardAddresses?: string;
    portForwarding: boolean;
}

export { PORT_FORWARDING_PROVIDERS, VPN_PROVIDERS, WIREGUARD_PROVIDERS };

/** internal/configuration/settings/openvpn.go:98-105: OpenVPN providers that need no user name. */
export const OPENVPN_NO_USER = ["airvpn", "vpnsecure"];

const k = (key: string) => `monsterr:${key}`;

export function validateVpn(value: unknown, secrets: SecretPresence, bad: Bad): VpnConfig | undefined {
    const F = VPN.fields;
    const off: VpnConfig = { enabled: false, provider: "", type: "wireguard", serverCountries: [], portForwarding: false };
    if (value === undefined) return off;
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    const o = readObject(VPN, value, "vpn", fail);
    if (!o) return undefined;
    const enabled = read(F.enabled, o.enabled, "vpn.enabled", fail);
    if (enabled === undefined) return undefined;
    if (!enabled) return off;
    const given = read(F.provider, o.provider, "vpn.provider", fail);
    const provider = given === undefined ? undefined : vpnProvider(given);
    const type = read(F.type, o.type, "vpn.type", fail) as VpnConfig["type"] | undefined;
    if (provider && type === "wireguard" && !WIREGUARD_PROVIDERS.includes(provider)) {
        fail("vpn.type", `gluetun speaks WireGuard with ${WIREGUARD_PROVIDERS.join(", ")} only, not ${provider}`, `pulumi config set --path ${k("vpn.type")} openvpn`);
    }
    const countries = readList(F.serverCountries, o.serverCountries, "vpn.serverCountries", fail);
    let wireguardAddresses: string | undefined;
    if (type === "wireguard") {
        wireguardAddresses = read({ ...F.wireguardAddresses, required: true }, o.wireguardAddresses, "vpn.wireguardAddresses", fail);
        if (!secrets.vpnWireguardPrivateKey) bad("vpnWireguardPrivateKey", secrets.vpnWireguardPrivateKey === false ? "is stored in plain text" : "is required for WireGuard", `pulumi config set --secret ${k("vpnWireguardPrivateKey")} <the PrivateKey of your provider's WireGuard config>`);
    } else if (type === "openvpn" && provider && !OPENVPN_NO_USER.includes(provider)) {
        for (const key of ["vpnOpenvpnUser", "vpnOpenvpnPassword"] as const) {
            if (!secrets[key]) bad(key, secrets[key] === false ? "is stored in plain text" : `is required for OpenVPN with ${provider}`, `pulumi config set --secret ${k(key)} ... (your provider's OpenVPN/service credentials, not your account login)`);
        }
    }
    for (const key of ["vpnWireguardPrivateKey", "vpnOpenvpnUser", "vpnOpenvpnPassword"] as const) {
        if (secrets[key] === false && !(type === "wireguard" && key === "vpnWireguardPrivateKey") && !(type === "openvpn" && key !== "vpnWireguardPrivateKey")) {
            bad(key, "is stored in plain text", `set it again with: pulumi config set --secret ${k(key)} ...`);
        }
    }
    const portForwarding = read(F.portForwarding, o.portForwarding, "vpn.portForwarding", fail);
    if (portForwarding && provider && !PORT_FORWARDING_PROVIDERS.includes(provider)) {
        fail("vpn.portForwarding", `${provider} forwards no port through gluetun (it does for ${PORT_FORWARDING_PROVIDERS.join(", ")})`, "turn it off: torrents still download, with fewer peers able to reach you");
    }
    if (!ok || !provider || !type || !countries || portForwarding === undefined) return undefined;
    return { enabled: true, provider, type, serverCountries: countries, ...(wireguardAddresses ? { wireguardAddresses } : {}), portForwarding };
}
