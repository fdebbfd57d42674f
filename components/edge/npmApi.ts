/**
 * Nginx Proxy Manager's REST API as Monsterr uses it: request bodies built from typed specs, and API objects read
 * back into the same specs so that refresh compares like with like. Pure data code: the dynamic providers carry
 * it to the provider process by closure serialization, so it imports nothing but types.
 */

import type { ApiConnection } from "../transport";

/** How requests reach NPM's API on port 81, which is never published. */
export type NpmConnection = ApiConnection;

/** Everything a provider operation needs to log in; a Pulumi secret as a whole. */
export interface NpmAccess {
    connection: NpmConnection;
    email: string;
    password: string;
}

/** The settings of one proxy host that Monsterr owns. */
export interface ProxyHostSpec {
    domainNames: string[];
    forwardScheme: "http" | "https";
    forwardHost: string;
    forwardPort: number;
    /** NPM certificate id (the certificate resource's id), "0" for none. */
    certificateId: string;
    sslForced: boolean;
    hstsEnabled: boolean;
    hstsSubdomains: boolean;
    http2Support: boolean;
    blockExploits: boolean;
    cachingEnabled: boolean;
    allowWebsocketUpgrade: boolean;
    advancedConfig: string;
}

export const PROXY_HOST_KEYS: (keyof ProxyHostSpec)[] = [
    "domainNames", "forwardScheme", "forwardHost", "forwardPort", "certificateId", "sslForced", "hstsEnabled",
    "hstsSubdomains", "http2Support", "blockExploits", "cachingEnabled", "allowWebsocketUpgrade", "advancedConfig",
];

/** What read finds besides the spec: anything here but `[]`/`true` is drift that the next update removes. */
export interface ProxyHostObserved {
    /** Paths of NPM "custom locations": they skip the advanced config, hence Authelia. Always reset to none. */
    customLocations: string[];
    enabled: boolean;
    accessListId: number;
}

export interface ProxyHostBody {
    domain_names: string[];
    forward_scheme: "http" | "https";
    forward_host: string;
    forward_port: number;
    certificate_id: number;
    ssl_forced: boolean;
    hsts_enabled: boolean;
    hsts_subdomains: boolean;
    http2_support: boolean;
    block_exploits: boolean;
    caching_enabled: boolean;
    allow_websocket_upgrade: boolean;
    access_list_id: number;
    advanced_config: string;
    enabled: boolean;
    locations: never[];
}

/** POST and PUT body: the whole host every time, so a hand edit is overwritten, custom locations included. */
export function proxyHostBody(s: ProxyHostSpec): ProxyHostBody {
    return {
        domain_names: [...s.domainNames],
        forward_scheme: s.forwardScheme,
        forward_host: s.forwardHost,
        forward_port: s.forwardPort,
        certificate_id: Number(s.certificateId),
        ssl_forced: s.sslForced,
        hsts_enabled: s.hstsEnabled,
        hsts_subdomains: s.hstsSubdomains,
        http2_support: s.http2Support,
        block_exploits: s.blockExploits,
        caching_enabled: s.cachingEnabled,
        allow_websocket_upgrade: s.allowWebsocketUpgrade,
        access_list_id: 0,
        advanced_config: s.advancedConfig,
        enabled: true,
        locations: [],
    };
}

/** An API proxy-host object mapped back to the spec: what refresh stores, so hand edits show as a diff. */
export function proxyHostFromApi(o: Record<string, any>): ProxyHostSpec & ProxyHostObserved {
    return {
        domainNames: [...(o.domain_names ?? [])],
        forwardScheme: o.forward_scheme,
        forwardHost: o.forward_host,
        forwardPort: Number(o.forward_port),
        certificateId: String(o.certificate_id ?? 0),
        sslForced: Boolean(o.ssl_forced),
        hstsEnabled: Boolean(o.hsts_enabled),
        hstsSubdomains: Boolean(o.hsts_subdomains),
        http2Support: Boolean(o.http2_support),
        blockExploits: Boolean(o.block_exploits),
        cachingEnabled: Boolean(o.caching_enabled),
        allowWebsocketUpgrade: Boolean(o.allow_websocket_upgrade),
        advancedConfig: String(o.advanced_config ?? ""),
        customLocations: ((o.locations ?? []) as { path: string }[]).map((l) => l.path),
        enabled: o.enabled !== false && o.enabled !== 0,
        accessListId: Number(o.access_list_id ?? 0),
    };
}

export type CertificateSpec =
    | { provider: "letsencrypt"; domainNames: string[]; dns?: { provider: string; credentials: string; propagationSeconds: number } }
    | { provider: "other"; niceName: string; domainNames: string[]; certificate: string; certificateKey: string; intermediateCertificate?: string };

export interface CertificateCreateBody {
    provider: "letsencrypt" | "other";
    nice_name?: string;
    domain_names?: string[];
    meta?: { dns_challenge: boolean; dns_provider?: string; dns_provider_credentials?: string; propagation_seconds?: number };
}

/** Let's Encrypt: NPM runs certbot with the logged-in admin's e-mail. Custom: created empty, then uploaded. */
export function certificateBody(s: CertificateSpec): CertificateCreateBody {
    if (s.provider === "other") return { provider: "other", nice_name: s.niceName };
    return {
        provider: "letsencrypt",
        domain_names: [...s.domainNames],
        meta: s.dns
            ? { dns_challenge: true, dns_provider: s.dns.provider, dns_provider_credentials: s.dns.credentials, propagation_seconds: s.dns.propagationSeconds }
            : { dns_challenge: false },
    };
}

/** The multipart fields of `POST /api/nginx/certificates/{id}/upload`. */
export function certificateFiles(s: Extract<CertificateSpec, { provider: "other" }>): Record<string, string> {
    return {
        certificate: s.certificate,
        certificate_key: s.certificateKey,
        ...(s.intermediateCertificate ? { intermediate_certificate: s.intermediateCertificate } : {}),
    };
}
