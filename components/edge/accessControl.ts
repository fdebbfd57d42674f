import { BypassPath, CATALOG, RouteSpec, ServiceName, ServiceSpec } from "../../config/catalog";

/** One Authelia access rule, in the shape of `access_control.rules[]`. */
export interface AccessRule {
    domain: string[];
    policy: "bypass" | "one_factor" | "two_factor" | "deny";
    subject?: string[];
    /** Client addresses the rule applies to (Authelia takes the first X-Forwarded-For, which the proxy sets). */
    networks?: string[];
    resources?: string[];
}

export interface RoutedService {
    name: ServiceName;
    port: number;
    hostNetwork: boolean;
    route: RouteSpec;
    fqdn: string;
}

/** Every enabled service with a public route, in catalog order: the one list proxy hosts and access rules come from. */
export function routedServices(domain: string, enabled: readonly ServiceName[]): RoutedService[] {
    return CATALOG.filter((s): s is ServiceSpec & { route: RouteSpec } => s.route !== undefined && enabled.includes(s.name)).map((s) => ({
        name: s.name,
        port: s.port,
        hostNetwork: s.hostNetwork === true,
        route: s.route,
        fqdn: `${s.route.subdomain}.${domain}`,
    }));
}

/** Groups allowed on a route: admins everywhere, users where the route says so. */
export function routeSubjects(route: RouteSpec): string[] {
    return route.group === "users" ? ["group:admins", "group:users"] : ["group:admins"];
}

/**
 * Authelia rules derived from the catalog routes. The first matching rule wins and the default policy is deny,
 * so per route: the prober's health path (only from the prober's own network: the blackbox exporter's edge network,
 * whose address no client can claim), its API-key paths (bypass), then the route's own policy for its groups only.
 */
export function accessRules(domain: string, enabled: readonly ServiceName[], proberNetwork?: string): AccessRule[] {
    const rules: AccessRule[] = [];
    for (const s of routedServices(domain, enabled)) {
        if (s.route.auth === "bypass") {
            rules.push({ domain: [s.fqdn], policy: "bypass" });
            continue;
        }
        if (proberNetwork) rules.push({ domain: [s.fqdn], policy: "bypass", networks: [proberNetwork], resources: [bypassResource({ exact: s.route.probe.path })] });
        if (s.route.bypassPaths?.length) rules.push({ domain: [s.fqdn], policy: "bypass", resources: s.route.bypassPaths.map(bypassResource) });
        rules.push({ domain: [s.fqdn], policy: s.route.auth, subject: routeSubjects(s.route) });
    }
    return rules;
}

const PATH = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;

/**
 * An anchored Authelia resource regex for a bypass path. Authelia matches resources against the cleaned path plus
 * `?query`, so `exact` allows only a query after the path and `prefix` (ending in `/`) only what lies below it:
 * `/login` never also opens `/login-as-admin`, and `/api/` never opens `/apifoo`.
 */
export function bypassResource(p: BypassPath): string {
    const path = "exact" in p ? p.exact : p.prefix.replace(/\/$/, "");
    const dotSegment = path.split("/").some((seg) => seg === "." || seg === "..");
    // A prefix of "/" leaves "" (never a PATH): the root is never a bypass prefix.
    if (!PATH.test(path) || dotSegment || ("prefix" in p && (!p.prefix.endsWith("/") || path === "/"))) {
        throw new Error(`bypass path ${JSON.stringify(p)} must be an absolute path of plain segments (a prefix ends in /, and is never the root)`);
    }
    const escaped = path.replace(/\./g, "\\.");
    return "exact" in p ? `^${escaped}(\\?.*)?$` : `^${escaped}/.*$`;
}
