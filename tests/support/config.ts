import { ConfigError, ConfigIssue } from "../../config/errors";
import { validateConfig } from "../../config/validate";
import { SecretPresence } from "../../config/types";

/** The smallest valid stack: everything else has a default. */
export const minimal = { domain: "media.example.com", adminEmail: "me@example.com" };

/** The issues a raw config produces; fails the test when it is valid. */
export function issuesOf(raw: Record<string, unknown>, secrets: SecretPresence = {}): ConfigIssue[] {
    try {
        validateConfig(raw, secrets);
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return [...(e as ConfigError).issues];
    }
    throw new Error("expected a ConfigError");
}

/** A stack setting with qBittorrent behind the VPN (WireGuard to Mullvad), and the secret it needs. */
export const VPN = { vpn: { provider: "mullvad", wireguardAddresses: "10.64.222.21/32", serverCountries: ["Netherlands"] } };
export const VPN_SECRETS = { vpnWireguardPrivateKey: "cGxhY2Vob2xkZXIta2V5LW9ubHktZm9yLXRlc3RzLTAwMD0=" };
