import * as http from "http";
import * as yaml from "js-yaml";

/**
 * A stand-in for Authelia 4.39's AuthRequest endpoint that applies a generated configuration.yml exactly as the
 * pinned version decides (authelia/authelia v4.39.20):
 * - the object: `X-Original-URL` parsed like Go's url.ParseRequestURI (percent-decoded path), host = Hostname(),
 *   path = utils.URLPathFullClean (path.Clean, keeping a trailing slash, plus `?query`)
 *   (internal/handlers/handler_authz_impl_authrequest.go, internal/authorization/types.go, internal/utils/url.go);
 * - only https/wss targets (handler_authz.go: "insecure scheme" -> 400);
 * - rules in order, first match wins: domain (EqualFold, `*.` suffix), resources (unanchored regex search on the
 *   cleaned path), subjects (an anonymous subject matches any rule with subjects)
 *   (internal/authorization/authorizer.go, access_control_rule.go, access_control_domain.go);
 * - isAuthzResult (handler_authz_util.go): bypass -> 200; deny -> 403 when signed in or the rule has no subjects;
 *   one/two factor satisfied -> 200 with Remote-User/Groups/Name/Email; else 401 with the portal as Location.
 * Authentication comes from the configured authn_strategies: CookieSession (the `authelia_session` cookie) and,
 * when configured, HeaderAuthorization with Basic. Any rule field it does not implement fails loudly.
 */

export type Level = "one_factor" | "two_factor";

export interface StandInUser {
    name: string;
    groups: string[];
    email: string;
    /** For HeaderAuthorization (Basic), if the configuration enables it. */
    password?: string;
}

export interface StandInSession {
    user: StandInUser;
    level: Level;
}

interface Rule {
    domain: string[];
    policy: "bypass" | "one_factor" | "two_factor" | "deny";
    subject?: (string | string[])[];
    networks?: string[];
    resources?: string[];
}

/** IPv4 CIDR membership (Authelia's MatchesNetworks with net.IPNet.Contains). */
function inNetwork(ip: string, cidr: string): boolean {
    const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const [base, bits] = cidr.split("/");
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const size = 2 ** (32 - Number(bits ?? 32));
    return toInt(ip) >= toInt(base) && toInt(ip) < toInt(base) + size;
}

export interface Decision {
    status: number;
    headers: Record<string, string>;
    /** The rule index that matched, or -1 for the default policy. */
    rule: number;
    path: string;
}

/** Go's url.ParseRequestURI for an absolute URL, as far as Authelia uses it; throws where Go returns an error. */
export function parseRequestURI(raw: string): { scheme: string; host: string; hostname: string; path: string; rawQuery: string } {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?]*)([^?]*)(?:\?(.*))?$/s.exec(raw);
    if (!m) throw new Error(`not an absolute URL: ${raw}`);
    const [, scheme, host, rawPath, rawQuery = ""] = m;
    if (/[\x00-\x20\x7f]/.test(raw)) throw new Error("invalid control character in URL");
    const path = rawPath.replace(/%([0-9A-Fa-f]{2})|%/g, (all, hex: string | undefined) => {
        if (!hex) throw new Error(`invalid URL escape in ${rawPath}`);
        return String.fromCharCode(parseInt(hex, 16));
    });
    const hostname = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "");
    return { scheme: scheme.toLowerCase(), host, hostname, path, rawQuery };
}

/** Go's path.Clean. */
export function goPathClean(p: string): string {
    if (p === "") return ".";
    const rooted = p.startsWith("/");
    const out: string[] = [];
    for (const part of p.split("/")) {
        if (part === "" || part === ".") continue;
        if (part === "..") {
            if (out.length && out[out.length - 1] !== "..") out.pop();
            else if (!rooted) out.push("..");
            continue;
        }
        out.push(part);
    }
    const joined = out.join("/");
    return rooted ? `/${joined}` : joined || ".";
}

/** Authelia's utils.URLPathFullClean. */
export function urlPathFullClean(path: string, rawQuery: string): string {
    const trailing = path.length > 1 && path.endsWith("/");
    if (path.length === 1 && !rawQuery) return path;
    if (path.length === 1) return `${goPathClean(path)}?${rawQuery}`;
    const cleaned = goPathClean(path) + (trailing ? "/" : "");
    return rawQuery ? `${cleaned}?${rawQuery}` : cleaned;
}

export class AutheliaStandIn {
    private readonly rules: Rule[];
    private readonly defaultPolicy: string;
    private readonly portal: string;
    private readonly cookieDomain: string;
    private readonly strategies: { name: string; schemes?: string[] }[];
    private server?: http.Server;
    /** Every decision, for the test report. */
    readonly decisions: Decision[] = [];
    /** The headers of every authz request nginx sent. */
    readonly received: http.IncomingHttpHeaders[] = [];

    constructor(
        configurationYml: string,
        private readonly sessions: Record<string, StandInSession>,
    ) {
        const c = yaml.load(configurationYml) as any;
        const known = new Set(["domain", "policy", "subject", "networks", "resources"]);
        for (const r of c.access_control.rules as Record<string, unknown>[]) {
            for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`the stand-in does not implement rule field ${k}`);
            for (const dm of r.domain as string[]) if (dm.startsWith("{") || dm.includes("regex")) throw new Error(`the stand-in does not implement domain ${dm}`);
        }
        this.rules = c.access_control.rules;
        this.defaultPolicy = c.access_control.default_policy;
        const cookie = c.session.cookies[0];
        this.portal = cookie.authelia_url;
        this.cookieDomain = cookie.domain;
        const endpoint = c.server?.endpoints?.authz?.["auth-request"];
        // Authelia's default for AuthRequest (internal/configuration/schema/server.go).
        this.strategies = endpoint?.authn_strategies ?? [{ name: "HeaderAuthorization", schemes: ["Basic"] }, { name: "CookieSession" }];
        for (const s of this.strategies) if (!["CookieSession", "HeaderAuthorization"].includes(s.name)) throw new Error(`the stand-in does not implement ${s.name}`);
    }

    private authenticate(headers: http.IncomingHttpHeaders): { user?: StandInUser; level: Level | "none" } {
        for (const s of this.strategies) {
            if (s.name === "HeaderAuthorization") {
                const auth = headers.authorization;
                if (!auth || !/^basic /i.test(auth) || !(s.schemes ?? []).map((x) => x.toLowerCase()).includes("basic")) continue;
                const [name, password] = Buffer.from(auth.slice(6), "base64").toString().split(":");
                const found = Object.values(this.sessions).find((x) => x.user.name === name && x.user.password && x.user.password === password);
                if (found) return { user: found.user, level: "one_factor" };
            } else {
                const cookie = /(?:^|;\s*)authelia_session=([^;]+)/.exec(String(headers.cookie ?? ""));
                const session = cookie ? this.sessions[cookie[1]] : undefined;
                if (session) return { user: session.user, level: session.level };
            }
        }
        return { level: "none" };
    }

    decide(headers: http.IncomingHttpHeaders): Decision {
        const rawUrl = headers["x-original-url"];
        const method = headers["x-original-method"];
        let url: ReturnType<typeof parseRequestURI>;
        try {
            if (typeof rawUrl !== "string" || !rawUrl) throw new Error("missing X-Original-URL");
            if (typeof method !== "string" || !method) throw new Error("missing X-Original-Method");
            url = parseRequestURI(rawUrl);
        } catch {
            return { status: 400, headers: {}, rule: -1, path: "" };
        }
        if (url.scheme !== "https" && url.scheme !== "wss") return { status: 400, headers: {}, rule: -1, path: url.path };
        const domainOk = url.hostname.toLowerCase() === this.cookieDomain || url.hostname.toLowerCase().endsWith(`.${this.cookieDomain}`);
        if (!domainOk) return { status: 400, headers: {}, rule: -1, path: url.path };
        const objectPath = urlPathFullClean(url.path, url.rawQuery);
        // RemoteIP: the first X-Forwarded-For entry (the proxy overwrites the header with its client address).
        const remoteIp = String(headers["x-forwarded-for"] ?? "").split(",")[0].trim();
        const authn = this.authenticate(headers);
        const anonymous = !authn.user;

        let required = this.defaultPolicy;
        let hasSubjects = false;
        let index = -1;
        for (const [i, r] of this.rules.entries()) {
            const domain = r.domain.some((dm) => (dm.startsWith("*.") ? url.hostname.toLowerCase().endsWith(dm.slice(1).toLowerCase()) : dm.toLowerCase() === url.hostname.toLowerCase()));
            if (!domain) continue;
            if (r.resources?.length && !r.resources.some((re) => new RegExp(re).test(objectPath))) continue;
            if (r.networks?.length && !r.networks.some((n) => inNetwork(remoteIp, n))) continue;
            if (r.subject?.length && !anonymous && !r.subject.some((s) => (Array.isArray(s) ? s : [s]).every((one) => this.subjectMatches(one, authn.user!)))) continue;
            required = r.policy;
            hasSubjects = !!r.subject?.length;
            index = i;
            break;
        }
        const decision = (status: number, headers: Record<string, string> = {}): Decision => ({ status, headers, rule: index, path: objectPath });
        if (required === "bypass") return decision(200);
        if (required === "deny" && (!anonymous || !hasSubjects)) return decision(403);
        const level = authn.level;
        if ((required === "one_factor" && (level === "one_factor" || level === "two_factor")) || (required === "two_factor" && level === "two_factor")) {
            const u = authn.user!;
            return decision(200, { "Remote-User": u.name, "Remote-Groups": u.groups.join(","), "Remote-Name": u.name, "Remote-Email": u.email });
        }
        const rd = new URL(this.portal.endsWith("/") ? this.portal : `${this.portal}/`);
        rd.searchParams.set("rd", rawUrl as string);
        rd.searchParams.set("rm", method as string);
        return decision(401, { Location: rd.toString() });
    }

    private subjectMatches(subject: string, user: StandInUser): boolean {
        if (subject.startsWith("group:")) return user.groups.includes(subject.slice(6));
        if (subject.startsWith("user:")) return user.name === subject.slice(5);
        throw new Error(`the stand-in does not implement subject ${subject}`);
    }

    async listen(): Promise<number> {
        this.server = http.createServer((req, res) => {
            if (!req.url?.startsWith("/api/authz/auth-request")) {
                res.writeHead(404).end();
                return;
            }
            this.received.push(req.headers);
            const d = this.decide(req.headers);
            this.decisions.push(d);
            res.writeHead(d.status, d.headers).end();
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return (this.server.address() as { port: number }).port;
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }
}
