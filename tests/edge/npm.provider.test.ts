import * as pulumi from "@pulumi/pulumi";
import { ProxyHostSpec } from "../../components/edge/npmApi";
import { CertificateProps, ProxyHostProps, ProxyHostState, certificateProvider, proxyHostProvider } from "../../components/edge/npmProvider";
import { login } from "../../components/edge/npmClient";
import { NpmAdminProps, NpmAdminState, npmAdminProvider } from "../../components/edge/npmAdmin";
import { FakeNpm, startFakeNpm } from "../support/fakeNpm";

const SPEC: ProxyHostSpec = {
    domainNames: ["sonarr.media.example.com"],
    forwardScheme: "http",
    forwardHost: "sonarr",
    forwardPort: 8989,
    certificateId: "0",
    sslForced: true,
    hstsEnabled: true,
    hstsSubdomains: false,
    http2Support: true,
    blockExploits: true,
    cachingEnabled: false,
    allowWebsocketUpgrade: true,
    advancedConfig: "location / {\n    proxy_pass $forward_scheme://$server:$port;\n}\n",
};

describe("NPM dynamic providers against a schema-validating fake API", () => {
    let npm: FakeNpm;
    let props: ProxyHostProps;
    beforeEach(async () => {
        npm = await startFakeNpm();
        props = { ...SPEC, access: { connection: { kind: "http", url: npm.url }, email: npm.email, password: npm.password } };
    });
    afterEach(async () => {
        await npm.close();
        expect(npm.rejected).toEqual([]);
    });

    it("creates, reads, finds no diff, notices a hand edit on refresh, repairs it, deletes", async () => {
        const created = await proxyHostProvider.create(props);
        const id = Number(created.id);
        expect(npm.hosts.get(id)).toMatchObject({ domain_names: SPEC.domainNames, forward_host: "sonarr", forward_port: 8989, ssl_forced: true, hsts_enabled: true, http2_support: true, locations: [] });

        const read = await proxyHostProvider.read!(created.id, created.outs);
        expect(read.props).toEqual(created.outs);
        expect((await proxyHostProvider.diff!(created.id, read.props, props)).changes).toBe(false);

        // Someone points the host elsewhere, clears the Authelia block and adds a custom location (which skips it).
        npm.editHost(id, { forward_port: 9999, advanced_config: "", locations: [{ path: "/open", forward_scheme: "http", forward_host: "sonarr", forward_port: 8989 }] });
        const drifted = (await proxyHostProvider.read!(created.id, read.props)).props as ProxyHostState;
        expect(drifted).toMatchObject({ forwardPort: 9999, advancedConfig: "", customLocations: ["/open"] });
        const diff = await proxyHostProvider.diff!(created.id, drifted, props);
        expect(diff.changes).toBe(true);

        await proxyHostProvider.update!(created.id, drifted, props);
        expect(npm.hosts.get(id)).toMatchObject({ forward_port: 8989, advanced_config: SPEC.advancedConfig, locations: [] });
        const repaired = (await proxyHostProvider.read!(created.id, drifted)).props as ProxyHostState;
        expect((await proxyHostProvider.diff!(created.id, repaired, props)).changes).toBe(false);

        await proxyHostProvider.delete!(created.id, repaired);
        expect(npm.hosts.size).toBe(0);
        // Deleted by hand: refresh drops it from state so the next `up` recreates it.
        expect(await proxyHostProvider.read!(created.id, repaired)).toEqual({});
        await proxyHostProvider.delete!(created.id, repaired);
    });

    it("adopts a host that already serves the name instead of failing (lost state, manual setup)", async () => {
        const first = await proxyHostProvider.create({ ...props, forwardPort: 1234 });
        const second = await proxyHostProvider.create(props);
        expect(second.id).toBe(first.id);
        expect(npm.hosts.size).toBe(1);
        expect(npm.hosts.get(Number(first.id))!.forward_port).toBe(8989);
    });

    it("sends only bodies NPM's schemas accept, and a wrong password fails the login", async () => {
        await proxyHostProvider.create(props);
        expect(npm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/tokens", "GET /api/nginx/proxy-hosts", "POST /api/nginx/proxy-hosts"]);
        await expect(proxyHostProvider.create({ ...props, access: { ...props.access, password: "wrong" } })).rejects.toThrow(/401/);
    });

    it("issues Let's Encrypt and custom certificates and replaces them when their spec changes", async () => {
        const access = props.access;
        const le: CertificateProps = { access, spec: { provider: "letsencrypt", domainNames: ["sonarr.media.example.com"] } };
        const leCreated = await certificateProvider.create(le);
        expect(npm.certificates.get(Number(leCreated.id))).toMatchObject({ provider: "letsencrypt", meta: { dns_challenge: false } });
        const leRead = await certificateProvider.read!(leCreated.id, leCreated.outs);
        expect((await certificateProvider.diff!(leCreated.id, leRead.props, le)).changes).toBe(false);
        const renamed = await certificateProvider.diff!(leCreated.id, leRead.props, { access, spec: { provider: "letsencrypt", domainNames: ["tv.media.example.com"] } });
        expect(renamed.replaces).toContain("spec");

        const dns: CertificateProps = { access, spec: { provider: "letsencrypt", domainNames: ["*.media.example.com", "media.example.com"], dns: { provider: "cloudflare", credentials: "dns_cloudflare_api_token = x", propagationSeconds: 120 } } };
        await certificateProvider.create(dns);

        const custom: CertificateProps = { access, spec: { provider: "other", niceName: "dev wildcard", domainNames: ["*.media.localhost"], certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", certificateKey: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n" } };
        const customCreated = await certificateProvider.create(custom);
        expect(npm.requests.filter((r) => r.path.endsWith("/upload"))).toHaveLength(1);
        const customRead = await certificateProvider.read!(customCreated.id, customCreated.outs);
        expect((await certificateProvider.diff!(customCreated.id, customRead.props, custom)).changes).toBe(false);

        await certificateProvider.delete!(leCreated.id, leRead.props);
        expect(await certificateProvider.read!(leCreated.id, leRead.props)).toEqual({});
    });

    it("still works after closure serialization, as Pulumi ships it to the provider process", async () => {
        const serialized = await pulumi.runtime.serializeFunction(() => proxyHostProvider);
        const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
        new Function("exports", "require", "module", serialized.text)(module.exports, require, module);
        const shipped = module.exports.handler!();
        const created = await shipped.create(props);
        expect(npm.hosts.get(Number(created.id))).toMatchObject({ forward_host: "sonarr" });
        expect(serialized.text).not.toContain(npm.password);
    });
});

describe("the NPM login on a first `pulumi up`", () => {
    it("waits while nginx answers 502 because NPM's API is still starting, and gives up after its wait", async () => {
        const npm = await startFakeNpm({ startingRequests: 2 });
        try {
            const access = { connection: { kind: "http" as const, url: npm.url }, email: npm.email, password: npm.password };
            const session = await login(access, 10000);
            expect(session.token).toBeTruthy();
            expect(npm.requests.filter((r) => r.path === "/api/tokens")).toHaveLength(1); // the two 502s never reached the API
        } finally {
            await npm.close();
        }
        const stuck = await startFakeNpm({ startingRequests: 1000 });
        try {
            const access = { connection: { kind: "http" as const, url: stuck.url }, email: stuck.email, password: stuck.password };
            await expect(login(access, 1500)).rejects.toThrow(/502/);
        } finally {
            await stuck.close();
        }
    });
});

describe("NPM errors keep their cause", () => {
    it("shows the reason NPM keeps in `debug.stack` of a failed Let's Encrypt request, not just `500 Internal Error`", async () => {
        const http = await import("http");
        // What NPM v2.15.1's error handler (backend/app.js) sends for a failed certbot run on a certificates route.
        const body = {
            error: { code: 500, message: "Internal Error" },
            debug: {
                stack: ["Error: Some challenges have failed.", "Detail: 203.0.113.9: Invalid response from http://sonarr.media.example.com/.well-known/acme-challenge/x: 404", "    at ChildProcess.exithandler (node:child_process:422:12)"],
                previous: { code: 1, cmd: "certbot certonly" },
            },
        };
        const server = http.createServer((req, res) => {
            const reply = (status: number, json: unknown) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
            if (req.url === "/api/tokens") return reply(200, { token: "t", expires: "2099-01-01" });
            return reply(500, body);
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        try {
            const props: CertificateProps = { access: { connection: { kind: "http", url }, email: "a@b.c", password: "x" }, spec: { provider: "letsencrypt", domainNames: ["sonarr.media.example.com"] } };
            await expect(certificateProvider.create(props)).rejects.toThrow(
                "NPM API POST /api/nginx/certificates: 500 Internal Error\n  cause: Some challenges have failed.\n  Detail: 203.0.113.9: Invalid response from http://sonarr.media.example.com/.well-known/acme-challenge/x: 404",
            );
        } finally {
            server.close();
        }
    });
});

describe("the NPM admin password: bootstrap (printed in NPM's log) to the stack's", () => {
    const BOOTSTRAP = "bootstrap-password-from-the-log";
    const STACK = "the-stack-admin-password";

    it("moves the admin to the stack's password on the first up, then changes nothing", async () => {
        const npm = await startFakeNpm({ password: BOOTSTRAP });
        try {
            const props: NpmAdminProps = { access: { connection: { kind: "http", url: npm.url }, email: npm.email, password: STACK }, bootstrapPassword: BOOTSTRAP };
            const created = await npmAdminProvider.create(props);
            expect(npm.password).toBe(STACK);
            expect(created.outs.current).toBe(true);
            const writes = () => npm.requests.filter((r) => r.method === "PUT").length;
            expect(writes()).toBe(1);
            // The bootstrap password, which the log shows, no longer opens anything.
            await expect(login({ ...props.access, password: BOOTSTRAP })).rejects.toThrow(/401/);
            const read = await npmAdminProvider.read!(created.id, created.outs);
            expect(read.props).toEqual(created.outs);
            expect((await npmAdminProvider.diff!(created.id, read.props, props)).changes).toBe(false);
            await npmAdminProvider.create(props);
            expect(writes()).toBe(1);
            expect(npm.rejected).toEqual([]);
        } finally {
            await npm.close();
        }
    });

    it("sees a password changed by hand on refresh, and says how to recover when neither password opens NPM", async () => {
        const npm = await startFakeNpm({ password: STACK });
        try {
            const props: NpmAdminProps = { access: { connection: { kind: "http", url: npm.url }, email: npm.email, password: STACK }, bootstrapPassword: BOOTSTRAP };
            const created = await npmAdminProvider.create(props);
            npm.password = "changed-in-the-ui";
            const read = (await npmAdminProvider.read!(created.id, created.outs)).props as NpmAdminState;
            expect(read.current).toBe(false);
            expect((await npmAdminProvider.diff!(created.id, read, props)).changes).toBe(true);
            await expect(npmAdminProvider.update!(created.id, read, props)).rejects.toThrow(/neither the stack's admin password nor its bootstrap password.*Reset it/s);
        } finally {
            await npm.close();
        }
    });

    it("rotates from the previous stack password to a new one", async () => {
        const npm = await startFakeNpm({ password: STACK });
        try {
            const old: NpmAdminState = { access: { connection: { kind: "http", url: npm.url }, email: npm.email, password: STACK }, bootstrapPassword: BOOTSTRAP, current: true };
            const news: NpmAdminProps = { access: { ...old.access, password: "a-new-stack-password" }, bootstrapPassword: BOOTSTRAP };
            expect((await npmAdminProvider.diff!(npm.email, old, news)).changes).toBe(true);
            await npmAdminProvider.update!(npm.email, old, news);
            expect(npm.password).toBe("a-new-stack-password");
        } finally {
            await npm.close();
        }
    });
});
