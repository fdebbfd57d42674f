import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { runProgram } from "../support/binaries";
import { AutheliaStandIn, StandInSession } from "../support/edge/autheliaStandIn";
import { RawResponse, get, h2Request, rawRequest } from "../support/edge/client";
import { EdgeNginx, FakeApps, PlannedProxyHost } from "../support/edge/npmNginx";
import { plan, reveal } from "../support/plan";
import { PolicyPath, ROUTES } from "../policy/routes";

/**
 * The edge as an attacker meets it: Debian's real nginx serving every proxy host of the prod plan inside NPM's
 * server block, a stand-in Authelia applying the generated access rules as Authelia 4.39 does, and one upstream
 * recording what reaches any app. Every request an attacker could craft (request line, Host, SNI, port, HTTP/2,
 * forged headers, odd paths) is sent without a session to every protected host: none may reach an app, unless it
 * asked for a path the reviewed policy (tests/policy/routes.ts) lets through.
 */
jest.setTimeout(180_000);

const DOMAIN = "media.example.com";
const fqdn = (sub: string) => `${sub}.${DOMAIN}`;
const PORTAL = fqdn("auth");
const PLEX = fqdn("plex");

const admin = { name: "admin", groups: ["admins", "users"], email: "admin@example.com", password: "correct horse battery staple" };
const member = { name: "kid", groups: ["users"], email: "kid@example.com" };
const SESSIONS: Record<string, StandInSession> = {
    "admin-2fa": { user: admin, level: "two_factor" },
    "admin-1fa": { user: admin, level: "one_factor" },
    "member-1fa": { user: member, level: "one_factor" },
    "member-2fa": { user: member, level: "two_factor" },
};

let edge: EdgeNginx;
let apps: FakeApps;
let authelia: AutheliaStandIn;
let hosts: PlannedProxyHost[];
const ports = { app: 0, authelia: 0 };

beforeAll(async () => {
    const p = await plan("prod");
    hosts = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedProxyHost);
    apps = new FakeApps();
    authelia = new AutheliaStandIn(p.files.get("/opt/monsterr/authelia/configuration.yml")!, SESSIONS);
    ports.app = await apps.listen();
    ports.authelia = await authelia.listen();
    edge = await EdgeNginx.start({ hosts, appPort: ports.app, autheliaPort: ports.authelia });
});

afterAll(async () => {
    await edge?.stop();
    await apps?.close();
    await authelia?.close();
});

const subOf = (name: string) => name.split(".")[0];
const protectedSubs = () => hosts.map((h) => subOf(h.domainNames[0])).filter((s) => ROUTES[s] && ROUTES[s].auth !== "bypass");

/** Sends one request; what reached the app of `sub` meanwhile. */
async function attempt(sub: string, send: () => Promise<RawResponse>): Promise<{ response: RawResponse; reached: boolean; app: typeof apps.requests }> {
    apps.requests.length = 0;
    const response = await send();
    const app = [...apps.requests];
    return { response, reached: app.some((r) => r.host.toLowerCase().replace(/\.?(:\d+)?$/, "") === fqdn(sub)), app };
}

/** Paths no policy opens: the app's root, Sonarr's key-bearing bootstrap file, and the bypass prefix walked out of. */
function forbiddenPaths(bypass: PolicyPath[]): string[] {
    const prefix = bypass.map((b) => ("prefix" in b ? b.prefix : undefined)).find(Boolean) ?? "/api/";
    const stem = prefix.replace(/\/$/, "");
    return [
        "/",
        "/initialize.json",
        `${prefix}../initialize.json`,
        `${prefix}%2e%2e/initialize.json`,
        `${prefix}.%2E/initialize.json`,
        `${stem}%2f..%2finitialize.json`,
        `${prefix}..%5cinitialize.json`,
        `${prefix}..\\initialize.json`,
        `${prefix}./../initialize.json`,
        `/${prefix}../initialize.json`,
        `${prefix}..`,
        `/initialize.json?x=${prefix}`,
    ];
}

/** Every way to send a GET for `p` on host `sub` that an attacker controls. */
const VARIANTS: Record<string, (sub: string, p: string) => Promise<RawResponse>> = {
    "plain request": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, fqdn(sub)) }),
    "absolute URI, Host: portal": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(`https://${fqdn(sub)}${p}`, PORTAL) }),
    "absolute URI, Host: plex": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(`https://${fqdn(sub)}${p}`, PLEX) }),
    "absolute URI with port, Host: portal": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(`https://${fqdn(sub)}:443${p}`, PORTAL) }),
    "SNI portal, Host: app": (sub, p) => rawRequest({ port: edge.httpsPort, sni: PORTAL, text: get(p, fqdn(sub)) }),
    "SNI app, Host: portal": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, PORTAL) }),
    "no SNI": (sub, p) => rawRequest({ port: edge.httpsPort, sni: null, text: get(p, fqdn(sub)) }),
    "Host with port": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, `${fqdn(sub)}:443`) }),
    "Host upper case with a trailing dot": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, `${fqdn(sub).toUpperCase()}.`) }),
    "two Host headers": (sub, p) => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, PORTAL, { Host: fqdn(sub) }).replace(`Host: ${fqdn(sub)}`, `Host: ${PORTAL}\r\nHost: ${fqdn(sub)}`) }),
    "forged forward-auth headers": (sub, p) =>
        rawRequest({
            port: edge.httpsPort,
            sni: fqdn(sub),
            text: get(p, fqdn(sub), {
                "X-Original-URL": `https://${PORTAL}/`,
                "X-Original-Method": "GET",
                "X-Forwarded-Host": PORTAL,
                "X-Forwarded-Uri": "/api/v3/system/status",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Method": "GET",
                "X-Authelia-URL": `https://${PORTAL}/`,
                "Remote-User": "admin",
                "Remote-Groups": "admins",
            }),
        }),
    "password in an Authorization header": (sub, p) =>
        rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(p, fqdn(sub), { Authorization: `Basic ${Buffer.from(`${admin.name}:${admin.password}`).toString("base64")}` }) }),
    "HTTP/2 :authority app, host: portal": (sub, p) => h2Request(edge.httpsPort, fqdn(sub), { ":authority": fqdn(sub), ":path": p, host: PORTAL }),
    "HTTP/2 :authority portal, host: app": (sub, p) => h2Request(edge.httpsPort, fqdn(sub), { ":authority": PORTAL, ":path": p, host: fqdn(sub) }),
    "port 80, absolute URI, Host: portal": (sub, p) => rawRequest({ port: edge.httpPort, text: get(`https://${fqdn(sub)}${p}`, PORTAL) }),
    "request smuggling (CL.TE)": (sub, p) =>
        rawRequest({
            port: edge.httpsPort,
            sni: fqdn(sub),
            text: `POST ${p} HTTP/1.1\r\nHost: ${fqdn(sub)}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /initialize.json HTTP/1.1\r\nHost: ${fqdn(sub)}\r\n\r\n`,
        }),
};

/** Results of every unauthenticated attempt, by variant: hosts x paths tried, and which reached an app. */
const matrix: Record<string, { tried: number; reached: string[] }> = {};

describe("an unauthenticated attacker against every protected host", () => {
    it("covers every forward-authenticated proxy host of the plan, and only those", () => {
        const guarded = hosts.filter((h) => h.advancedConfig.includes("auth_request ")).map((h) => subOf(h.domainNames[0]));
        expect(guarded.sort()).toEqual(protectedSubs().sort());
        expect(guarded.length).toBe(18);
    });

    it.each(Object.keys(VARIANTS))("%s: reaches no app on a path the policy protects", async (variant) => {
        const reached: string[] = [];
        let tried = 0;
        for (const sub of protectedSubs()) {
            for (const p of forbiddenPaths(ROUTES[sub].bypass)) {
                const r = await attempt(sub, () => VARIANTS[variant](sub, p));
                tried++;
                if (r.reached) reached.push(`${sub}${p} -> ${r.response.status}`);
                // Whatever else reached an app was a bypass route's (the portal), never this host's app.
                for (const a of r.app) expect(a.headers["remote-user"]).toBeUndefined();
            }
        }
        matrix[variant] = { tried, reached };
        expect(reached).toEqual([]);
    });

    afterAll(() => {
        const rows = Object.entries(matrix).map(([v, m]) => `  ${v}: ${m.reached.length}/${m.tried} reached`);
        console.log(`attack matrix (unauthenticated, ${protectedSubs().length} protected hosts):\n${rows.join("\n")}`);
    });
});

describe("what must stay reachable", () => {
    const bypassProbe = (b: PolicyPath) => ("exact" in b ? b.exact : `${b.prefix}v3/system/status`);

    it("every bypass path of the policy, without a session, and with a forged identity that never reaches the app", async () => {
        const missed: string[] = [];
        for (const sub of protectedSubs()) {
            for (const b of ROUTES[sub].bypass) {
                const r = await attempt(sub, () =>
                    rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(bypassProbe(b), fqdn(sub), { "Remote-User": "admin", "Remote-Groups": "admins", "X-Real-IP": "203.0.113.77", "X-Forwarded-For": "203.0.113.78" }) }),
                );
                if (!r.reached) missed.push(`${sub}${bypassProbe(b)} -> ${r.response.status}`);
                for (const a of r.app) {
                    expect(a.headers["remote-user"]).toBeUndefined();
                    expect(a.headers["remote-groups"]).toBeUndefined();
                    // NPM trusts X-Real-IP from private networks at http level; the proxy hosts do not.
                    expect(a.headers["x-forwarded-for"]).toBe("127.0.0.1");
                    expect(a.headers["x-real-ip"]).toBe("127.0.0.1");
                }
            }
        }
        expect(missed).toEqual([]);
        const forged = edge.log("monsterr_access.log").filter((l) => l.includes("203.0.113."));
        expect(forged).toEqual([]);
    });

    it("the bypass routes (the portal, Plex) without a session", async () => {
        for (const sub of ["auth", "plex"]) {
            const r = await attempt(sub, () => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get("/", fqdn(sub), { "Remote-User": "admin" }) }));
            expect({ sub, reached: r.reached, status: r.response.status }).toEqual({ sub, reached: true, status: 200 });
            expect(r.app[0].headers["remote-user"]).toBeUndefined();
        }
    });

    it("an unauthenticated visitor is sent to the portal with the URL they asked for", async () => {
        const r = await attempt("sonarr", () => rawRequest({ port: edge.httpsPort, sni: fqdn("sonarr"), text: get("/calendar?x=1", fqdn("sonarr")) }));
        expect(r.reached).toBe(false);
        expect(r.response.status).toBe(302);
        const location = new URL(r.response.headers.location);
        expect(location.host).toBe(PORTAL);
        expect(location.searchParams.get("rd")).toBe(`https://${fqdn("sonarr")}/calendar?x=1`);
    });
});

describe("signed-in users reach exactly the routes of their group and factor", () => {
    /** status and whether the app was reached, per route, for one session. */
    async function sweep(session: string): Promise<Record<string, string>> {
        const out: Record<string, string> = {};
        for (const sub of protectedSubs()) {
            const r = await attempt(sub, () => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get("/", fqdn(sub), { Cookie: `authelia_session=${session}` }) }));
            out[sub] = r.reached ? "app" : String(r.response.status);
            if (r.reached) expect(r.app.find((a) => a.host === fqdn(sub))!.headers["remote-user"]).toBe(SESSIONS[session].user.name);
        }
        return out;
    }

    const expected = (allowed: (sub: string) => boolean, refused: string) =>
        Object.fromEntries(protectedSubs().map((sub) => [sub, allowed(sub) ? "app" : refused]));

    it("an admin with two factors reaches every app, signed in as themselves", async () => {
        expect(await sweep("admin-2fa")).toEqual(expected(() => true, ""));
    });

    it("an admin with one factor reaches household apps and is sent back for a second factor elsewhere", async () => {
        expect(await sweep("admin-1fa")).toEqual(expected((s) => ROUTES[s].auth === "one_factor", "302"));
    });

    it("a household member never reaches an admin app, with one factor or two", async () => {
        for (const s of ["member-1fa", "member-2fa"]) {
            expect(await sweep(s)).toEqual(expected((sub) => ROUTES[sub].groups.includes("users"), "403"));
        }
    });
});

describe("what the edge logs for Fail2Ban", () => {
    it("writes the refusals in NPM's proxy format to the one edge log, and the proxy jail's filter counts exactly those", async () => {
        const lines = edge.log("monsterr_access.log");
        const refused = lines.filter((l) => / (400|401|403|421) - [A-Z]+ /.test(l));
        expect(refused.length).toBeGreaterThan(100);
        expect(lines.some((l) => / 302 - GET /.test(l))).toBe(true);
        const filter = (await plan("prod")).files.get("/opt/monsterr/fail2ban/filter.d/monsterr-proxy.conf")!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-edge-log-"));
        try {
            fs.writeFileSync(path.join(dir, "access.log"), lines.join("\n") + "\n");
            fs.writeFileSync(path.join(dir, "filter.conf"), filter);
            const r = runProgram("fail2ban-regex", ["-o", "ip", path.join(dir, "access.log"), path.join(dir, "filter.conf")]);
            expect(r.code).toBe(0);
            const matched = r.stdout.split("\n").filter(Boolean);
            expect(matched.length).toBe(refused.length);
            expect(new Set(matched)).toEqual(new Set(["127.0.0.1"]));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("a proxy in front, named in monsterr:trustedProxies", () => {
    it("is believed for X-Forwarded-For (and X-Real-IP is not); without the setting the same headers are ignored", async () => {
        const p = await plan("prod", { trustedProxies: ["127.0.0.1/32"] });
        const trusted = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedProxyHost);
        const front = await EdgeNginx.start({ hosts: trusted, appPort: ports.app, autheliaPort: ports.authelia });
        try {
            const r = await attempt("sonarr", () =>
                rawRequest({ port: front.httpsPort, sni: fqdn("sonarr"), text: get("/api/v3/system/status", fqdn("sonarr"), { "X-Forwarded-For": "203.0.113.5", "X-Real-IP": "198.51.100.1" }) }),
            );
            expect(r.reached).toBe(true);
            expect(r.app[0].headers["x-forwarded-for"]).toBe("203.0.113.5");
            expect(front.log("monsterr_access.log").pop()).toContain("[Client 203.0.113.5]");
        } finally {
            await front.stop();
        }
    });
});

describe("the prober's health paths", () => {
    /** The health path of each protected host, from the generated rules that open it to the prober's network. */
    const probeRules = async () => {
        const config = yaml.load((await plan("prod")).files.get("/opt/monsterr/authelia/configuration.yml")!) as { access_control: { rules: { domain: string[]; networks?: string[]; resources?: string[] }[] } };
        return config.access_control.rules.filter((r) => r.networks);
    };

    it("are open to the blackbox exporter's edge network only, and only the exact path", async () => {
        const rules = await probeRules();
        expect(rules.map((r) => r.domain[0].split(".")[0]).sort()).toEqual(protectedSubs().sort());
        const prober = rules[0].networks![0];
        expect(rules.every((r) => r.networks!.length === 1 && r.networks![0] === prober)).toBe(true);
        const inside = prober.replace(/\.\d+\/29$/, (m) => `.${Number(m.slice(1, -3)) + 4}`);
        const ask = (host: string, path: string, from: string) => authelia.decide({ "x-original-url": `https://${host}${path}`, "x-original-method": "GET", "x-forwarded-for": from }).status;
        for (const r of rules) {
            const path = r.resources![0].replace(/^\^/, "").replace(/\(\\\?\.\*\)\?\$$/, "").replace(/\\\./g, ".");
            expect({ host: r.domain[0], path, prober: ask(r.domain[0], path, inside), elsewhere: ask(r.domain[0], path, "203.0.113.7"), other: ask(r.domain[0], `${path === "/" ? "" : path}/../admin`, inside) }).toEqual({
                host: r.domain[0],
                path,
                prober: 200,
                elsewhere: 401,
                other: 401,
            });
        }
    });

    it("stay closed to every client the proxy serves, whatever it sends", async () => {
        const reached: string[] = [];
        for (const r of await probeRules()) {
            const sub = r.domain[0].split(".")[0];
            const path = r.resources![0].replace(/^\^/, "").replace(/\(\\\?\.\*\)\?\$$/, "").replace(/\\\./g, ".");
            const res = await attempt(sub, () => rawRequest({ port: edge.httpsPort, sni: fqdn(sub), text: get(path, fqdn(sub), { "X-Forwarded-For": r.networks![0].replace("/29", ""), "X-Real-IP": r.networks![0].replace("/29", "") }) }));
            const bypassed = ROUTES[sub].bypass.some((b) => ("exact" in b ? b.exact === path : path.startsWith(b.prefix)));
            if (res.reached && !bypassed) reached.push(`${sub}${path}`);
        }
        expect(reached).toEqual([]);
    });
});

describe("a household from monsterr:users", () => {
    const USERS = { alice: { email: "alice@example.com", displayName: "Alice" }, bob: { email: "bob@example.com", groups: ["users"] } };

    it("each member reaches the household apps and is refused every admin app, with one factor or two", async () => {
        const p = await plan("prod", { users: USERS });
        // The accounts as the plan's users database holds them: their groups come from the generated file.
        const db = yaml.load(p.files.get("/opt/monsterr/authelia/users_database.yml")!) as { users: Record<string, { email: string; groups: string[] }> };
        expect(Object.keys(db.users).sort()).toEqual(["admin", "alice", "bob"]);
        const sessions: Record<string, StandInSession> = {};
        for (const name of ["alice", "bob"]) {
            for (const level of ["one_factor", "two_factor"] as const) sessions[`${name}-${level}`] = { user: { name, groups: db.users[name].groups, email: db.users[name].email }, level };
        }
        const household = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedProxyHost);
        const stand = new AutheliaStandIn(p.files.get("/opt/monsterr/authelia/configuration.yml")!, sessions);
        const port = await stand.listen();
        const front = await EdgeNginx.start({ hosts: household, appPort: ports.app, autheliaPort: port });
        const matrix: string[] = [];
        try {
            for (const session of Object.keys(sessions)) {
                const seen: Record<string, string> = {};
                for (const sub of protectedSubs()) {
                    const r = await attempt(sub, () => rawRequest({ port: front.httpsPort, sni: fqdn(sub), text: get("/", fqdn(sub), { Cookie: `authelia_session=${session}` }) }));
                    seen[sub] = r.reached ? "app" : String(r.response.status);
                }
                const admin = protectedSubs().filter((s) => !ROUTES[s].groups.includes("users"));
                const mine = protectedSubs().filter((s) => ROUTES[s].groups.includes("users"));
                expect(admin.length).toBeGreaterThan(10);
                expect(Object.fromEntries(admin.map((s) => [s, seen[s]]))).toEqual(Object.fromEntries(admin.map((s) => [s, "403"])));
                expect(Object.fromEntries(mine.map((s) => [s, seen[s]]))).toEqual(Object.fromEntries(mine.map((s) => [s, "app"])));
                matrix.push(`  ${session}: ${mine.length} household apps reached (${mine.join(", ")}); ${admin.length} admin apps refused with 403`);
            }
            // Plex (its own login) and the portal are bypass routes for everyone.
            for (const sub of ["auth", "plex"]) expect((await attempt(sub, () => rawRequest({ port: front.httpsPort, sni: fqdn(sub), text: get("/", fqdn(sub)) }))).reached).toBe(true);
        } finally {
            await front.stop();
            await stand.close();
        }
        console.log(`household sessions against every protected route:\n${matrix.join("\n")}`);
    });
});
