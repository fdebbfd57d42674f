import { AUTHZ_LOCATION, EDGE_ACCESS_LOG, edgeDirectives, edgeSnippet, nginxArg, serializeNginx } from "../../../components/edge/authSnippet";
import { AUTHELIA_URL } from "../../../components/edge/proxyHosts";
import { autheliaConfiguration } from "../../../components/files/authelia";
import { toYaml } from "../../../components/files/yaml";
import { spec } from "../../../config/catalog";
import { AutheliaStandIn } from "../../support/edge/autheliaStandIn";
import { get, rawRequest } from "../../support/edge/client";
import { EdgeNginx, FakeApps, PlannedProxyHost } from "../../support/edge/npmNginx";

const DOMAIN = "media.example.com";
const SONARR = `sonarr.${DOMAIN}`;
const PORTAL = `auth.${DOMAIN}`;
const HOME = `home.${DOMAIN}`;

describe("nginx directives (unit)", () => {
    it("quotes only what nginx would split or misread, escaping quotes and backslashes", () => {
        expect(["plain", "$var", "a b", "", 'say "x"', "a;b", "a{b", "a}b", "a#b", "a'b", "a\\b", "tab\tx"].map(nginxArg)).toEqual([
            "plain", "$var", '"a b"', '""', '"say \\"x\\""', '"a;b"', '"a{b"', '"a}b"', '"a#b"', `"a'b"`, '"a\\\\b"', '"tab\tx"',
        ]);
    });

    it("nests blocks with four spaces per level", () => {
        expect(serializeNginx([{ name: "a", args: ["1"] }, { name: "b", block: [{ name: "c", block: [{ name: "d" }] }] }])).toBe("a 1;\nb {\n    c {\n        d;\n    }\n}\n");
    });

    it("protect only forward-auth hosts, and every host logs to the edge log with the real client", () => {
        const open = edgeSnippet({ fqdn: PORTAL, autheliaUrl: AUTHELIA_URL, forwardAuth: false, trustedProxies: [] });
        const guarded = edgeSnippet({ fqdn: SONARR, autheliaUrl: AUTHELIA_URL, forwardAuth: true, trustedProxies: [] });
        expect(open).not.toContain("auth_request");
        expect(guarded).toContain(`auth_request ${AUTHZ_LOCATION};`);
        expect(guarded).toContain(`set $authelia_upstream ${AUTHELIA_URL};`);
        for (const s of [open, guarded]) {
            expect(s).toContain(`access_log ${EDGE_ACCESS_LOG} proxy;`);
            expect(s).toContain("set_real_ip_from unix:;");
            expect(s).not.toContain("real_ip_header");
        }
        const trusted = serializeNginx(edgeDirectives({ fqdn: SONARR, autheliaUrl: AUTHELIA_URL, forwardAuth: true, trustedProxies: ["173.245.48.0/20", "10.1.0.0/16"] }));
        expect(trusted).toContain("set_real_ip_from 173.245.48.0/20;\nset_real_ip_from 10.1.0.0/16;\nreal_ip_header X-Forwarded-For;\nreal_ip_recursive on;\n");
        expect(trusted).not.toContain("unix:");
        // Each host has exactly one `location /` (an empty prefix would also match everything, but is not NPM's shape).
        for (const s of [open, guarded]) expect(s.match(/^location \/ \{$/gm)).toHaveLength(1);
    });
});

/** One protected host (Sonarr with its API bypass), the portal and Plex, behind the real nginx and the stand-in. */
async function edge(trustedProxies: string[] = []) {
    const hosts: PlannedProxyHost[] = [
        { domainNames: [PORTAL], forwardScheme: "http", forwardHost: "authelia", forwardPort: 9091, advancedConfig: edgeSnippet({ fqdn: PORTAL, autheliaUrl: AUTHELIA_URL, forwardAuth: false, trustedProxies }) },
        { domainNames: [SONARR], forwardScheme: "http", forwardHost: "sonarr", forwardPort: 8989, advancedConfig: edgeSnippet({ fqdn: SONARR, autheliaUrl: AUTHELIA_URL, forwardAuth: true, trustedProxies }) },
        { domainNames: [`plex.${DOMAIN}`], forwardScheme: "http", forwardHost: "172.30.10.1", forwardPort: 32400, advancedConfig: edgeSnippet({ fqdn: `plex.${DOMAIN}`, autheliaUrl: AUTHELIA_URL, forwardAuth: false, trustedProxies }) },
        { domainNames: [HOME], forwardScheme: "http", forwardHost: "organizr", forwardPort: 80, advancedConfig: edgeSnippet({ fqdn: HOME, autheliaUrl: AUTHELIA_URL, forwardAuth: true, trustedProxies, blocked: spec("organizr").route!.blockedPaths!.map((b) => b.prefix) }) },
    ];
    const apps = new FakeApps();
    const user = { name: "admin", groups: ["admins", "users"], email: "admin@example.com" };
    const authelia = new AutheliaStandIn(toYaml(autheliaConfiguration({ domain: DOMAIN, enabled: ["authelia", "sonarr", "plex", "organizr"] })), { admin: { user, level: "two_factor" } });
    const nginx = await EdgeNginx.start({ hosts, appPort: await apps.listen(), autheliaPort: await authelia.listen() });
    const send = (text: string, sni: string | null = SONARR) => rawRequest({ port: nginx.httpsPort, sni, text });
    const close = async () => {
        await nginx.stop();
        await apps.close();
        await authelia.close();
    };
    return { apps, authelia, nginx, send, close };
}

describe("the snippet under the real nginx (unit)", () => {
    it("sends a signed-out visitor to the portal with the proxy host's own URL, whatever Host it claimed", async () => {
        const e = await edge();
        try {
            const r = await e.send(get("/calendar?x=1", SONARR));
            expect(r.status).toBe(302);
            expect(new URL(r.headers.location).searchParams.get("rd")).toBe(`https://${SONARR}/calendar?x=1`);
            const sent = e.authelia.received[0];
            expect([sent["x-original-url"], sent["x-original-method"], sent["x-forwarded-for"]]).toEqual([`https://${SONARR}/calendar?x=1`, "GET", "127.0.0.1"]);
            // What a client could use to steer Authelia never reaches it.
            const forged = await e.send(get("/", SONARR, { "X-Forwarded-Host": PORTAL, "X-Forwarded-Proto": "http", "X-Forwarded-Uri": "/api/", "X-Forwarded-Method": "POST", "X-Authelia-URL": "https://evil/", "X-Original-URL": `https://${PORTAL}/` }));
            expect(forged.status).toBe(302);
            const last = e.authelia.received[e.authelia.received.length - 1];
            expect([last["x-forwarded-host"], last["x-forwarded-proto"], last["x-forwarded-uri"], last["x-forwarded-method"], last["x-authelia-url"], last["x-original-url"]]).toEqual([undefined, undefined, undefined, undefined, undefined, `https://${SONARR}/`]);
            expect(last["content-length"]).toBeUndefined();
            // A request body never reaches Authelia, nor its length (it would wait for a body that never comes), and
            // the subrequest asks for no particular connection handling.
            const post = await e.send(`POST /settings/general HTTP/1.1\r\nHost: ${SONARR}\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"name":"x"}\n`);
            expect(post.status).toBe(302);
            const authz = e.authelia.received[e.authelia.received.length - 1];
            expect([authz["x-original-method"], authz["content-length"], authz["transfer-encoding"], authz.connection, authz["content-type"]]).toEqual(["POST", undefined, undefined, undefined, "application/json"]);
            expect(e.apps.requests).toEqual([]);
        } finally {
            await e.close();
        }
    });

    it("refuses a Host or TLS name of another site (421) and a non-canonical path (400) before Authelia", async () => {
        const e = await edge();
        try {
            expect((await e.send(get(`https://${SONARR}/`, PORTAL))).status).toBe(421);
            expect((await e.send(get("/", SONARR), PORTAL)).status).toBe(421);
            expect((await e.send(get("/", PORTAL), SONARR)).status).toBe(421);
            expect((await e.send(get("/", `${SONARR}:444`))).status).toBe(421);
            for (const p of ["/api/../initialize.json", "/api/%2e%2E/x", "/api%2Fx", "/api/..%5cx", "/api/.\\x", "/api/.", "/a/./b", "/api/..?x"]) {
                expect({ p, status: (await e.send(get(p, SONARR))).status }).toEqual({ p, status: 400 });
            }
            // Legitimate shapes pass the gates.
            expect((await e.send(get("/", `${SONARR.toUpperCase()}.`))).status).toBe(302);
            expect((await e.send(get("/", `${SONARR}:443`))).status).toBe(302);
            expect((await e.send(get("/a.b/c..d?x=../y%2e", SONARR))).status).toBe(302);
            expect(e.authelia.received.length).toBe(3);
            expect(e.apps.requests).toEqual([]);
        } finally {
            await e.close();
        }
    });

    it("lets an API-key path through with only the app's own identity headers, the real client and the site's own name", async () => {
        const e = await edge();
        try {
            const r = await e.send(get("/api/v3/system/status", SONARR, { "Remote-User": "admin", "Remote-Groups": "admins", "Remote-Name": "x", "Remote-Email": "x@y", "X-Real-IP": "203.0.113.7", "X-Forwarded-For": "203.0.113.8", Connection: "close, Remote-User", Upgrade: "websocket" }));
            expect(r.status).toBe(200);
            const h = e.apps.requests[0].headers;
            expect([h["remote-user"], h["remote-groups"], h["remote-name"], h["remote-email"]]).toEqual([undefined, undefined, undefined, undefined]);
            expect([h.host, h["x-forwarded-host"], h["x-forwarded-proto"], h["x-forwarded-uri"], h["x-forwarded-ssl"], h["x-forwarded-for"], h["x-real-ip"]]).toEqual([SONARR, SONARR, "https", "/api/v3/system/status", "on", "127.0.0.1", "127.0.0.1"]);
            expect([h.connection, h.upgrade]).toEqual(["upgrade", "websocket"]);
            const plain = await e.send(get("/api/v3/x", SONARR, { Connection: "keep-alive, Remote-User" }));
            expect(plain.status).toBe(200);
            expect(e.apps.requests[1].headers.connection).toBeUndefined();
            const line = e.nginx.log("monsterr_access.log").find((l) => l.includes("/api/v3/system/status"))!;
            expect(line).toMatch(/^\[[^\]]+\] - 200 200 - GET https sonarr\.media\.example\.com "\/api\/v3\/system\/status" \[Client 127\.0\.0\.1\] /);
        } finally {
            await e.close();
        }
    });

    it("passes Authelia's identity to the app for a signed-in admin, and clears a claimed one on open routes", async () => {
        const e = await edge();
        try {
            const r = await e.send(get("/", SONARR, { Cookie: "authelia_session=admin", "Remote-User": "mallory" }));
            expect(r.status).toBe(200);
            const h = e.apps.requests[0].headers;
            expect([h["remote-user"], h["remote-groups"], h["remote-name"], h["remote-email"]]).toEqual(["admin", "admins,users", "admin", "admin@example.com"]);
            const plex = await e.send(get("/identity", `plex.${DOMAIN}`, { "Remote-User": "admin", "Remote-Groups": "admins", "Remote-Name": "a", "Remote-Email": "a@b" }), `plex.${DOMAIN}`);
            expect(plex.status).toBe(200);
            const p = e.apps.requests[1].headers;
            expect([p["remote-user"], p["remote-groups"], p["remote-name"], p["remote-email"], p.host]).toEqual([undefined, undefined, undefined, undefined, `plex.${DOMAIN}`]);
            expect((await e.send(get("/", SONARR), `plex.${DOMAIN}`)).status).toBe(421);
        } finally {
            await e.close();
        }
    });

    it("refuses Organizr's setup wizard to everyone, signed in or not, however the path is spelled; the rest of Organizr is served", async () => {
        const e = await edge();
        try {
            const admin = { Cookie: "authelia_session=admin" };
            const spellings = ["/api/v2/wizard", "/api/v2/wizard/", "/API/V2/Wizard", "/api/v2/wiz%61rd", "/api/v2/wizard?x=1", "/api/v2/index.php/wizard", "/api/v2/Index.php/wizard"];
            for (const path of spellings) {
                expect({ path, admin: (await e.send(get(path, HOME, admin), HOME)).status, anonymous: (await e.send(get(path, HOME), HOME)).status }).toEqual({ path, admin: 403, anonymous: 403 });
            }
            const post = await e.send(`POST /api/v2/wizard HTTP/1.1\r\nHost: ${HOME}\r\nCookie: authelia_session=admin\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`, HOME);
            expect(post.status).toBe(403);
            expect(e.apps.requests).toEqual([]);
            expect((await e.send(get("/api/v2/status", HOME, admin), HOME)).status).toBe(200);
            expect(e.apps.requests.map((r) => r.url)).toEqual(["/api/v2/status"]);
        } finally {
            await e.close();
        }
    });

    it("believes X-Forwarded-For only from the proxies the stack names", async () => {
        const e = await edge(["127.0.0.1/32"]);
        try {
            expect((await e.send(get("/api/v3/x", SONARR, { "X-Forwarded-For": "203.0.113.5", "X-Real-IP": "198.51.100.1" }))).status).toBe(200);
            expect(e.apps.requests[0].headers["x-forwarded-for"]).toBe("203.0.113.5");
        } finally {
            await e.close();
        }
    });
});
