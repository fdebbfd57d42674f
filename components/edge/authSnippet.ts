/**
 * The nginx configuration each proxy host carries in NPM's `advanced_config`, built from typed directives.
 * NPM pastes `advanced_config` inside its generated `server { }` block (after `listen`, `server_name`, the
 * certificate, its force-SSL redirect and `$forward_scheme`/`$server`/`$port`); when the text defines
 * `location /`, NPM leaves out its own default location, so the one below is the only way into the app.
 *
 * Nothing an attacker sends decides what Authelia judges: the host in `X-Original-URL` is the proxy host's own name,
 * written into the snippet, and a request whose `Host` or TLS server name names another site is refused (421)
 * before any decision. The client address is the TCP peer unless the stack names trusted proxies.
 */

import { EDGE_TIMING_LOG, TIMING_LOG_FORMAT } from "./accessMetrics";
import { d, NginxDirective, nginxArg, serializeNginx, when } from "./nginxDirectives";

export type { NginxDirective };
export { nginxArg, serializeNginx };

/** Internal location of Authelia's AuthRequest endpoint; never reachable from outside (`internal`). */
export const AUTHZ_LOCATION = "/internal/authelia/authz";

/**
 * Every proxy host also logs here, in NPM's own `proxy` format: one file that exists before Fail2Ban starts
 * (seeded by the program), holding only requests of servers whose client address Monsterr controls.
 */
/** Under NPM's /data (its config folder's `data/`). */
export const EDGE_LOG_IN_DATA = "logs/monsterr_access.log";
export const EDGE_ACCESS_LOG = `/data/${EDGE_LOG_IN_DATA}`;
/** NPM's `log_format proxy` (docker/rootfs/etc/nginx/conf.d/include/log-proxy.conf, v2.15.1), defined at http level. */
export const NPM_LOG_FORMAT = "proxy";

/** Headers an app reads as the signed-in user; only Authelia's answer may set them. */
export const IDENTITY_HEADERS = ["Remote-User", "Remote-Groups", "Remote-Name", "Remote-Email"] as const;

export interface EdgeSnippetArgs {
    /** The proxy host's only name (`sonarr.example.com`): what Authelia judges and the only `Host` accepted. */
    fqdn: string;
    /** `http://authelia:9091`: reached through a variable so nginx starts even while Authelia is down. */
    autheliaUrl: string;
    /** Forward-authenticate `location /` (every policy but `bypass`). */
    forwardAuth: boolean;
    /** Proxies in front of this one whose `X-Forwarded-For` is believed (CIDRs); empty: the TCP peer is the client. */
    trustedProxies: readonly string[];
    /** Path prefixes refused with 403 to everyone (the route's blockedPaths). */
    blocked?: readonly string[];
}

function regexLiteral(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Server-level guards, run in nginx's server rewrite phase before any location (after NPM's force-SSL redirect):
 * - the client address: NPM trusts `X-Real-IP` from every private network at http level; a server-level
 *   `set_real_ip_from` replaces that list (nginx does not merge it), so only the named proxies, or none (`unix:`);
 * - 421 when `Host` or SNI name another site: nginx routes an absolute-form request line by its own host, but
 *   apps and logs read `Host`;
 * - the `Connection` header towards the app is `upgrade` or nothing, never the client's list of hop-by-hop names.
 */
function serverGuards(args: EdgeSnippetArgs): NginxDirective[] {
    const name = regexLiteral(args.fqdn);
    const realIp = args.trustedProxies.length
        ? [...args.trustedProxies.map((cidr) => d("set_real_ip_from", cidr)), d("real_ip_header", "X-Forwarded-For"), d("real_ip_recursive", "on")]
        : [d("set_real_ip_from", "unix:")];
    return [
        ...realIp,
        d("access_log", EDGE_ACCESS_LOG, NPM_LOG_FORMAT),
        d("access_log", EDGE_TIMING_LOG, TIMING_LOG_FORMAT),
        when(["$http_host", "!~*", `^${name}\\.?(:443)?$`], d("return", "421")),
        when(["$ssl_server_name", "!~*", `^(${name})?$`], d("return", "421")),
        d("set", "$monsterr_connection", ""),
        when(["$http_upgrade"], d("set", "$monsterr_connection", "upgrade")),
        // $uri is the decoded, normalized path nginx routes by: encodings and dot segments do not get around it.
        ...(args.blocked ?? []).map((prefix) => when(["$uri", "~*", `^${regexLiteral(prefix)}`], d("return", "403"))),
    ];
}

/**
 * Authelia cleans the path it judges (Go's `path.Clean` after percent-decoding), while an app may resolve `..`,
 * encoded dots and slashes, or backslashes differently: such a request could be judged as a bypass path and served
 * as another. A path in canonical form means the same thing to both, so anything else is refused before the
 * decision.
 */
const NON_CANONICAL_PATH = String.raw`^[^?]*(/\.\.?(/|\?|$)|%2e|%2f|%5c|\\)`;

/**
 * Headers toward the app. `X-Forwarded-For` is overwritten with the client address (see serverGuards), never
 * appended: Authelia and the apps take its first entry as the client. Identity headers are cleared here and set
 * only from Authelia's answer on protected routes, so a client can never send its own `Remote-User`.
 */
function upstreamHeaders(fqdn: string): NginxDirective[] {
    return [
        d("proxy_set_header", "Host", fqdn),
        d("proxy_set_header", "X-Real-IP", "$remote_addr"),
        d("proxy_set_header", "X-Forwarded-For", "$remote_addr"),
        d("proxy_set_header", "X-Forwarded-Proto", "$scheme"),
        d("proxy_set_header", "X-Forwarded-Host", fqdn),
        d("proxy_set_header", "X-Forwarded-URI", "$request_uri"),
        d("proxy_set_header", "X-Forwarded-Ssl", "on"),
        d("proxy_http_version", "1.1"),
        d("proxy_set_header", "Upgrade", "$http_upgrade"),
        d("proxy_set_header", "Connection", "$monsterr_connection"),
        d("proxy_buffering", "off"),
        d("proxy_read_timeout", "360"),
    ];
}

/**
 * The Authelia subrequest: method and URL of the original request with the proxy host's own name, the client's
 * address, no body. Headers Authelia would otherwise read from the client (`X-Forwarded-*`, `X-Authelia-URL`) are
 * blanked.
 */
function authzLocation(fqdn: string): NginxDirective {
    return {
        name: "location",
        args: [AUTHZ_LOCATION],
        block: [
            d("internal"),
            d("proxy_pass", "$authelia_upstream/api/authz/auth-request"),
            d("proxy_set_header", "X-Original-Method", "$request_method"),
            d("proxy_set_header", "X-Original-URL", `https://${fqdn}$request_uri`),
            d("proxy_set_header", "X-Forwarded-For", "$remote_addr"),
            ...["X-Forwarded-Method", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-URI", "X-Authelia-URL"].map((h) => d("proxy_set_header", h, "")),
            d("proxy_set_header", "Content-Length", ""),
            d("proxy_set_header", "Connection", ""),
            d("proxy_pass_request_body", "off"),
            d("proxy_http_version", "1.1"),
            d("proxy_buffers", "4", "32k"),
            d("client_body_buffer_size", "128k"),
            d("proxy_connect_timeout", "10s"),
            d("proxy_read_timeout", "30s"),
        ],
    };
}

/**
 * `location /` behind Authelia: identity headers for the app; a 401 becomes a redirect to the portal URL that
 * Authelia computes from its session cookie settings (its `Location` header).
 */
function protectedRoot(fqdn: string): NginxDirective {
    return {
        name: "location",
        args: ["/"],
        block: [
            d("auth_request", AUTHZ_LOCATION),
            d("auth_request_set", "$authelia_user", "$upstream_http_remote_user"),
            d("auth_request_set", "$authelia_groups", "$upstream_http_remote_groups"),
            d("auth_request_set", "$authelia_name", "$upstream_http_remote_name"),
            d("auth_request_set", "$authelia_email", "$upstream_http_remote_email"),
            d("auth_request_set", "$authelia_redirect", "$upstream_http_location"),
            d("error_page", "401", "=302", "$authelia_redirect"),
            d("proxy_set_header", "Remote-User", "$authelia_user"),
            d("proxy_set_header", "Remote-Groups", "$authelia_groups"),
            d("proxy_set_header", "Remote-Name", "$authelia_name"),
            d("proxy_set_header", "Remote-Email", "$authelia_email"),
            ...upstreamHeaders(fqdn),
            d("proxy_pass", "$forward_scheme://$server:$port"),
        ],
    };
}

/** `location /` of a bypass route (the portal, Plex): no decision, and no identity a client could claim. */
function openRoot(fqdn: string): NginxDirective {
    return {
        name: "location",
        args: ["/"],
        block: [...IDENTITY_HEADERS.map((h) => d("proxy_set_header", h, "")), ...upstreamHeaders(fqdn), d("proxy_pass", "$forward_scheme://$server:$port")],
    };
}

/** The directives of one proxy host's `advanced_config`. */
export function edgeDirectives(args: EdgeSnippetArgs): NginxDirective[] {
    if (!args.forwardAuth) return [...serverGuards(args), openRoot(args.fqdn)];
    return [
        ...serverGuards(args),
        when(["$request_uri", "~*", NON_CANONICAL_PATH], d("return", "400")),
        d("set", "$authelia_upstream", args.autheliaUrl),
        authzLocation(args.fqdn),
        protectedRoot(args.fqdn),
    ];
}

export function edgeSnippet(args: EdgeSnippetArgs): string {
    return serializeNginx(edgeDirectives(args));
}
