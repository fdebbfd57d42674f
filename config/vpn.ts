import type { SecretPresence } from "./types";
import { Bad, bool, obj, show, str, unknownFields } from "./parse";

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

/** internal/constants/providers/providers.go (v3.41.1) `All()`; `custom` needs a provider config file, not offered. */
export const VPN_PROVIDERS = [
    "airvpn", "cyberghost", "expressvpn", "fastestvpn", "giganews", "hidemyass", "ipvanish", "ivpn", "mullvad", "nordvpn",
    "perfect privacy", "privado", "private internet access", "privatevpn", "protonvpn", "purevpn", "slickvpn", "surfshark",
    "torguard", "vpnsecure", "vpn unlimited", "vyprvpn", "windscribe",
];
/** internal/configuration/settings/provider.go:34-46: the providers gluetun speaks WireGuard with. */
export const WIREGUARD_PROVIDERS = ["airvpn", "fastestvpn", "ivpn", "mullvad", "nordvpn", "protonvpn", "surfshark", "windscribe"];
/** internal/portforward (portforward.go:60-68): the providers whose ports gluetun can forward. */
export const PORT_FORWARDING_PROVIDERS = ["perfect privacy", "private internet access", "privatevpn", "protonvpn"];
/** internal/configuration/settings/openvpn.go:98-105: OpenVPN providers that need no user name. */
const OPENVPN_NO_USER = ["airvpn", "vpnsecure"];

const k = (key: string) => `monsterr:${key}`;

export function validateVpn(value: unknown, secrets: SecretPresence, bad: Bad): VpnConfig | undefined {
    const off: VpnConfig = { enabled: false, provider: "", type: "wireguard", serverCountries: [], portForwarding: false };
    if (value === undefined) return off;
    const o = obj(value);
    if (!o) {
        bad("vpn", "must be an object", `pulumi config set --path ${k("vpn.provider")} mullvad`);
        return undefined;
    }
    unknownFields(o, ["enabled", "provider", "type", "serverCountries", "wireguardAddresses", "portForwarding"], "vpn", bad);
    let ok = true;
    const enabled = bool(o.enabled, true);
    if (enabled === undefined) {
        bad("vpn.enabled", `'${show(o.enabled)}' is not true or false`, "use true or false");
        return undefined;
    }
    if (!enabled) return off;
    // gluetun lower-cases the name and knows PIA by its short name too.
    const given = str(o.provider)?.toLowerCase();
    const provider = given === "pia" ? "private internet access" : given;
    const type = str(o.type) ?? "wireguard";
    if (type !== "wireguard" && type !== "openvpn") {
        bad("vpn.type", `'${show(o.type)}' is not a VPN type`, "use wireguard (faster, where your provider offers it) or openvpn");
        ok = false;
    }
    if (!provider || !VPN_PROVIDERS.includes(provider)) {
        bad("vpn.provider", provider ? `'${show(o.provider)}' is not a provider gluetun knows` : "is required", `use one of: ${VPN_PROVIDERS.join(", ")}`);
        ok = false;
    } else if (type === "wireguard" && !WIREGUARD_PROVIDERS.includes(provider)) {
        bad("vpn.type", `gluetun speaks WireGuard with ${WIREGUARD_PROVIDERS.join(", ")} only, not ${provider}`, `pulumi config set --path ${k("vpn.type")} openvpn`);
        ok = false;
    }
    const countries = o.serverCountries === undefined ? [] : Array.isArray(o.serverCountries) ? o.serverCountries : typeof o.serverCountries === "string" ? [o.serverCountries] : undefined;
    // gluetun splits the list on commas without trimming: a name with a comma or edge spaces never matches.
    if (!countries || !countries.every((c) => typeof c === "string" && /^[A-Za-z][A-Za-z .'()-]*[A-Za-z)]$/.test(c))) {
        bad("vpn.serverCountries", `'${show(o.serverCountries)}' is not a list of country names`, `list names as your provider spells them, e.g. pulumi config set --path '${k("vpn.serverCountries[0]")}' Netherlands`);
        ok = false;
    }
    let wireguardAddresses: string | undefined;
    if (type === "wireguard") {
        wireguardAddresses = str(o.wireguardAddresses);
        const m = wireguardAddresses ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(wireguardAddresses) : null;
        if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) {
            // An IPv6 address stops gluetun unless Docker's network has IPv6 (Monsterr's networks do not).
            bad("vpn.wireguardAddresses", wireguardAddresses ? `'${show(wireguardAddresses)}' is not an IPv4 address with its prefix` : "is required for WireGuard", "copy the IPv4 Address line of your provider's WireGuard config, e.g. 10.64.222.21/32");
            ok = false;
        }
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
    const portForwarding = bool(o.portForwarding, false);
    if (portForwarding === undefined) {
        bad("vpn.portForwarding", `'${show(o.portForwarding)}' is not true or false`, "use true or false");
        ok = false;
    } else if (portForwarding && provider && !PORT_FORWARDING_PROVIDERS.includes(provider)) {
        bad("vpn.portForwarding", `${provider} forwards no port through gluetun (it does for ${PORT_FORWARDING_PROVIDERS.join(", ")})`, "turn it off: torrents still download, with fewer peers able to reach you");
        ok = false;
    }
    if (!ok || !provider) return undefined;
    return { enabled: true, provider, type: type as VpnConfig["type"], serverCountries: countries as string[], ...(wireguardAddresses ? { wireguardAddresses } : {}), portForwarding: portForwarding! };
}
