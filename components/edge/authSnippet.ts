/**
 * The nginx configuration each proxy host carries in NPM's `advanced_config`, built from typed directives.
 * NPM pastes `advanced_config` inside its generated `server { }` block, after it has set `$forward_scheme`,
 * `$server` and `$port`; when the text defines `location /`, NPM leaves out its own default location, so the
 * one below is the only way into the app.
 */

/** One nginx directive: `name args...;` or, with `block`, `name args... { ... }`. */
export interface NginxDirective {
    name: string;
    args?: string[];
    block?: NginxDirective[];
}

const d = (name: string, ...args: string[]): NginxDirective => ({ name, args });

/** Arguments that contain spaces, quotes, braces, `;` or `#`, or are empty, are double-quoted with escapes. */
export function nginxArg(arg: string): string {
    if (arg !== "" && !/[\s"'{};#\\]/.test(arg)) return arg;
    return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function serializeNginx(directives: NginxDirective[], depth = 0): string {
    const pad = "    ".repeat(depth);
    return directives
        .map((x) => {
            const head = [x.name, ...(x.args ?? []).map(nginxArg)].join(" ");
            if (!x.block) return `${pad}${head};\n`;
            return `${pad}${head} {\n${serializeNginx(x.block, depth + 1)}${pad}}\n`;
        })
        .join("");
}

/** Internal location of Authelia's AuthRequest endpoint; never reachable from outside (`internal`). */
export const AUTHZ_LOCATION = "/internal/authelia/authz";

export interface EdgeSnippetArgs {
    /** `http://authelia:9091`: reached through a variable so nginx starts even while Authelia is down. */
    autheliaUrl: string;
    /** Forward-authenticate `location /` (every policy but `bypass`). */
    forwardAuth: boolean;
}

/**
 * Headers toward the app. `X-Forwarded-For` is overwritten with the TCP peer, never appended: Authelia and the
 * apps take its first entry as the client, and a client-supplied value would let an attacker dodge regulation
 * and Fail2Ban by forging it.
 */
function upstreamHeaders(): NginxDirective[] {
    return [
        d("proxy_set_header", "Host", "$host"),
        d("proxy_set_header", "X-Real-IP", "$remote_addr"),
        d("proxy_set_header", "X-Forwarded-For", "$remote_addr"),
        d("proxy_set_header", "X-Forwarded-Proto", "$scheme"),
        d("proxy_set_header", "X-Forwarded-Host", "$http_host"),
        d("proxy_set_header", "X-Forwarded-URI", "$request_uri"),
        d("proxy_set_header", "X-Forwarded-Ssl", "on"),
        d("proxy_http_version", "1.1"),
        d("proxy_set_header", "Upgrade", "$http_upgrade"),
        d("proxy_set_header", "Connection", "$http_connection"),
        d("proxy_buffering", "off"),
        d("proxy_read_timeout", "360"),
    ];
}

/** The Authelia subrequest: method and full URL of the original request, the client's address, no body. */
function authzLocation(): NginxDirective {
    return {
        name: "location",
        args: [AUTHZ_LOCATION],
        block: [
            d("internal"),
            d("proxy_pass", "$authelia_upstream/api/authz/auth-request"),
            d("proxy_set_header", "X-Original-Method", "$request_method"),
            d("proxy_set_header", "X-Original-URL", "$scheme://$http_host$request_uri"),
            d("proxy_set_header", "X-Forwarded-For", "$remote_addr"),
            d("proxy_set_header", "Content-Length", ""),
            d("proxy_set_header", "Connection", ""),
            d("proxy_pass_request_body", "off"),
            d("proxy_http_version", "1.1"),
            d("proxy_cache_bypass", "$cookie_authelia_session"),
            d("proxy_no_cache", "$cookie_authelia_session"),
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
function protectedRoot(): NginxDirective {
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
            ...upstreamHeaders(),
            d("proxy_pass", "$forward_scheme://$server:$port"),
        ],
    };
}

function openRoot(): NginxDirective {
    return { name: "location", args: ["/"], block: [...upstreamHeaders(), d("proxy_pass", "$forward_scheme://$server:$port")] };
}

/** The directives of one proxy host's `advanced_config`. */
export function edgeDirectives(args: EdgeSnippetArgs): NginxDirective[] {
    if (!args.forwardAuth) return [openRoot()];
    return [d("set", "$authelia_upstream", args.autheliaUrl), authzLocation(), protectedRoot()];
}

export function edgeSnippet(args: EdgeSnippetArgs): string {
    return serializeNginx(edgeDirectives(args));
}
