/**
 * Allowed values taken from the source of the pinned upstream versions; the settings declare them, validation and
 * the wizard offer exactly these.
 */

/** gluetun v3.41.1 internal/constants/providers/providers.go `All()`; `custom` needs a provider config file, not offered. */
export const VPN_PROVIDERS = [
    "airvpn", "cyberghost", "expressvpn", "fastestvpn", "giganews", "hidemyass", "ipvanish", "ivpn", "mullvad", "nordvpn",
    "perfect privacy", "privado", "private internet access", "privatevpn", "protonvpn", "purevpn", "slickvpn", "surfshark",
    "torguard", "vpnsecure", "vpn unlimited", "vyprvpn", "windscribe",
];
/** gluetun internal/configuration/settings/provider.go:34-46: the providers gluetun speaks WireGuard with. */
export const WIREGUARD_PROVIDERS = ["airvpn", "fastestvpn", "ivpn", "mullvad", "nordvpn", "protonvpn", "surfshark", "windscribe"];
/** gluetun internal/portforward (portforward.go:60-68): the providers whose ports gluetun can forward. */
export const PORT_FORWARDING_PROVIDERS = ["perfect privacy", "private internet access", "privatevpn", "protonvpn"];

/** Nginx Proxy Manager v2.15.1 backend/certbot/dns-plugins.json: the DNS-01 provider ids its certificates accept. */
export const NPM_DNS_PROVIDERS = [
    "acmedns", "active24", "aliyun", "arvan", "azure", "baidu", "beget", "bunny", "cdmon", "cloudflare", "cloudns", "cloudxns",
    "constellix", "corenetworks", "cpanel", "ddnss", "desec", "digitalocean", "directadmin", "dnsimple", "dnsmadeeasy", "dnsmulti",
    "dnspod", "domainoffensive", "domeneshop", "duckdns", "dynu", "easydns", "edgedns", "eurodns", "firstdomains", "freedns", "gandi",
    "gcore", "glesys", "godaddy", "google", "googledomains", "he", "he-ddns", "hetzner", "hetzner-cloud", "hosterby", "hostinger",
    "hostingnl", "hover", "infomaniak", "inwx", "ionos", "ispconfig", "isset", "joker", "kas", "leaseweb", "linode", "loopia", "luadns",
    "mchost24", "mijnhost", "namecheap", "namecom", "netcup", "nicru", "njalla", "nsone", "oci", "ovh", "plesk", "porkbun", "powerdns",
    "rcode0", "regru", "rfc2136", "rockenstein", "route53", "selectelv2", "simply", "spaceship", "strato", "tencentcloud", "timeweb",
    "transip", "vultr", "websupport", "wedos", "zoneedit",
];
