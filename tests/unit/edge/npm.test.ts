import * as pulumi from "@pulumi/pulumi";
import { CertificateSpec, PROXY_HOST_KEYS, ProxyHostSpec, certificateBody, certificateFiles, proxyHostBody, proxyHostFromApi } from "../../../components/edge/npmApi";
import { apiError, statusOf } from "../../../components/edge/npmClient";
import { ProxyHostProps, certificateProvider, proxyHostChanges } from "../../../components/edge/npmProvider";
import { IN_CONTAINER_CLIENT, execArgv, isUnreachable, unreachable } from "../../../components/transport";
import { AUTHELIA_URL, NPM_CONTAINER, npmAccess } from "../../../components/edge/proxyHosts";
import { hostTarget } from "../../../components/hostTarget";
import { HOST_KEY, resolved } from "../support";

const SPEC: ProxyHostSpec = {
    domainNames: ["sonarr.media.example.com"],
    forwardScheme: "http",
    forwardHost: "sonarr",
    forwardPort: 8989,
    certificateId: "7",
    sslForced: true,
    hstsEnabled: true,
    hstsSubdomains: false,
    http2Support: true,
    blockExploits: true,
    cachingEnabled: false,
    allowWebsocketUpgrade: true,
    advancedConfig: "location / {}\n",
};

describe("NPM API bodies (unit)", () => {
    it("sends the whole host every time, with no access list, enabled, and no custom locations", () => {
        expect(proxyHostBody(SPEC)).toEqual({
            domain_names: ["sonarr.media.example.com"], forward_scheme: "http", forward_host: "sonarr", forward_port: 8989, certificate_id: 7,
            ssl_forced: true, hsts_enabled: true, hsts_subdomains: false, http2_support: true, block_exploits: true, caching_enabled: false,
            allow_websocket_upgrade: true, access_list_id: 0, advanced_config: "location / {}\n", enabled: true, locations: [],
        });
        expect(proxyHostBody({ ...SPEC, certificateId: "0", forwardScheme: "https" })).toMatchObject({ certificate_id: 0, forward_scheme: "https" });
    });

    it("reads an API object back into the spec, with what it finds besides it", () => {
        const back = proxyHostFromApi({ ...proxyHostBody(SPEC), id: 3, forward_port: "8989", certificate_id: 7, enabled: 1, locations: [{ path: "/open" }], access_list_id: 2 });
        expect(back).toEqual({ ...SPEC, customLocations: ["/open"], enabled: true, accessListId: 2 });
        expect(proxyHostFromApi({ ...proxyHostBody(SPEC), enabled: 0, certificate_id: undefined, advanced_config: null, locations: undefined, access_list_id: undefined })).toMatchObject({ enabled: false, certificateId: "0", advancedConfig: "", customLocations: [], accessListId: 0 });
        expect(proxyHostFromApi({ ...proxyHostBody(SPEC), enabled: false, ssl_forced: 0, hsts_enabled: 1 })).toMatchObject({ enabled: false, sslForced: false, hstsEnabled: true });
        expect(proxyHostFromApi({ domain_names: undefined }).domainNames).toEqual([]);
    });

    it("asks Let's Encrypt by HTTP-01 or DNS-01, and creates a custom certificate empty, then uploads its files", () => {
        expect(certificateBody({ provider: "letsencrypt", domainNames: ["a.example.com"] })).toEqual({ provider: "letsencrypt", domain_names: ["a.example.com"], meta: { dns_challenge: false } });
        expect(certificateBody({ provider: "letsencrypt", domainNames: ["*.example.com"], dns: { provider: "cloudflare", credentials: "token", propagationSeconds: 120 } })).toEqual({
            provider: "letsencrypt", domain_names: ["*.example.com"], meta: { dns_challenge: true, dns_provider: "cloudflare", dns_provider_credentials: "token", propagation_seconds: 120 },
        });
        const custom: Extract<CertificateSpec, { provider: "other" }> = { provider: "other", niceName: "dev", domainNames: ["*.x"], certificate: "C", certificateKey: "K" };
        expect(certificateBody(custom)).toEqual({ provider: "other", nice_name: "dev" });
        expect(certificateFiles(custom)).toEqual({ certificate: "C", certificate_key: "K" });
        expect(certificateFiles({ ...custom, intermediateCertificate: "I" })).toEqual({ certificate: "C", certificate_key: "K", intermediate_certificate: "I" });
    });
});

describe("NPM provider diffs (unit)", () => {
    const props: ProxyHostProps = { ...SPEC, access: { connection: { kind: "http", url: "http://x" }, email: "a@b.c", password: "p" } };
    const state = { ...props, customLocations: [] as string[], enabled: true, accessListId: 0 };

    it("see no change when the host is as declared, and each owned setting that differs", () => {
        expect(proxyHostChanges(state, props)).toEqual([]);
        for (const key of PROXY_HOST_KEYS) {
            const changed = { ...state, [key]: key === "domainNames" ? ["other"] : key === "forwardPort" ? 1 : typeof state[key] === "boolean" ? !state[key] : "changed" };
            expect({ key, changes: proxyHostChanges(changed, props) }).toEqual({ key, changes: [key] });
        }
    });

    it("see a hand edit NPM's UI allows (custom location, disabled, access list) and a new connection or login", () => {
        expect(proxyHostChanges({ ...state, customLocations: ["/x"] }, props)).toEqual(["customLocations"]);
        expect(proxyHostChanges({ ...state, enabled: false }, props)).toEqual(["enabled"]);
        expect(proxyHostChanges({ ...state, accessListId: 3 }, props)).toEqual(["accessListId"]);
        expect(proxyHostChanges({ ...state, access: { ...props.access, email: "x@y.z" } }, props)).toEqual(["access"]);
        expect(proxyHostChanges({ ...state, access: { ...props.access, connection: { kind: "http", url: "http://y" } } }, props)).toEqual(["access"]);
        // A new password alone is not drift of the host.
        expect(proxyHostChanges({ ...state, access: { ...props.access, password: "other" } }, props)).toEqual([]);
        expect(proxyHostChanges({ ...SPEC } as never, props)).toEqual(["access"]);
    });

    it("replace a certificate whose spec or (Let's Encrypt) names changed, and nothing else", async () => {
        const access = props.access;
        const le = { access, spec: { provider: "letsencrypt" as const, domainNames: ["a.x", "b.x"] } };
        const diff = (olds: object, news: object) => certificateProvider.diff!("1", olds, news);
        expect(await diff({ ...le, observedDomainNames: ["b.x", "a.x"], expiresOn: "" }, le)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await diff({ ...le, observedDomainNames: ["a.x"], expiresOn: "" }, le)).toEqual({ changes: true, replaces: ["observedDomainNames"], deleteBeforeReplace: false });
        expect(await diff({ ...le, observedDomainNames: ["a.x", "b.x"] }, { ...le, spec: { ...le.spec, domainNames: ["a.x"] } })).toMatchObject({ changes: true, replaces: ["spec", "observedDomainNames"] });
        expect(await diff({ ...le, observedDomainNames: ["a.x", "b.x"] }, { ...le, access: { ...access, email: "n@x.y" } })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        const custom = { access, spec: { provider: "other" as const, niceName: "n", domainNames: ["*.x"], certificate: "C", certificateKey: "K" } };
        expect(await diff({ ...custom, observedDomainNames: ["uploaded"] }, custom)).toMatchObject({ changes: false });
        expect(await certificateProvider.update!("1", { ...le, observedDomainNames: [], expiresOn: "e" }, { ...le, access: { ...access, email: "n@x.y" } })).toEqual({ outs: { ...le, access: { ...access, email: "n@x.y" }, observedDomainNames: [], expiresOn: "e" } });
    });
});

describe("NPM errors (unit)", () => {
    it("carry the status and NPM's message, and the cause from debug.stack without its frames", () => {
        const e = apiError(400, "POST", "/api/x", JSON.stringify({ error: { code: 400, message: "Domain is in use" } }));
        expect([e.message, statusOf(e)]).toEqual(["NPM API POST /api/x: 400 Domain is in use", 400]);
        const withCause = apiError(500, "POST", "/api/c", JSON.stringify({ error: { message: "Internal Error" }, debug: { stack: ["CommandError: certbot failed", "Detail: NXDOMAIN", "    at x (y:1:2)", "not this"] } }));
        expect(withCause.message).toBe("NPM API POST /api/c: 500 Internal Error\n  cause: certbot failed\n  Detail: NXDOMAIN");
        expect(apiError(500, "GET", "/p", JSON.stringify({ error: { message: "Internal Error" }, debug: { stack: ["Error: Internal Error"] } })).message).toBe("NPM API GET /p: 500 Internal Error");
        expect(apiError(500, "GET", "/p", JSON.stringify({ error: { message: "E" }, debug: { stack: "not a list" } })).message).toBe("NPM API GET /p: 500 E");
        expect(apiError(502, "GET", "/p", "<html>bad gateway</html>").message).toBe("NPM API GET /p: 502 <html>bad gateway</html>");
        expect(apiError(502, "GET", "/p", "x".repeat(400)).message).toBe(`NPM API GET /p: 502 ${"x".repeat(300)}`);
        const long = apiError(500, "GET", "/p", JSON.stringify({ error: { message: "E" }, debug: { stack: [`Error: ${"z".repeat(3000)}`] } })).message;
        expect(long).toBe(`NPM API GET /p: 500 E\n  cause: ${"z".repeat(2000)}`);
        expect([statusOf(undefined), statusOf("x"), statusOf({ status: 404 })]).toEqual([undefined, undefined, 404]);
        expect(isUnreachable(unreachable("x"))).toBe(true);
        expect([isUnreachable(new Error("x")), isUnreachable(null), isUnreachable("x")]).toEqual([false, false, false]);
    });
});

describe("reaching NPM's API (unit)", () => {
    it("runs the in-container client by docker exec locally, and over ssh with the pinned host key remotely", () => {
        expect(execArgv({ kind: "docker", dockerHost: "unix:///run/d.sock", container: "npm" })).toEqual(["docker", "-H", "unix:///run/d.sock", "exec", "-i", "npm", "node", "-e", IN_CONTAINER_CLIENT]);
        const ssh = execArgv({ kind: "ssh", host: "h", port: 2222, user: "u", sshOpts: ["-o", "X=1"], container: "npm" }, "/tmp/k");
        expect(ssh.slice(0, 10)).toEqual(["ssh", "-o", "X=1", "-p", "2222", "-i", "/tmp/k", "-o", "IdentitiesOnly=yes", "u@h"]);
        expect(ssh[10]).toBe(`'docker' 'exec' '-i' 'npm' 'node' '-e' '${IN_CONTAINER_CLIENT.replace(/'/g, "'\\''")}'`);
        expect(execArgv({ kind: "ssh", host: "h", port: 22, user: "u", sshOpts: [], container: "npm" }).slice(0, 4)).toEqual(["ssh", "-p", "22", "u@h"]);
    });

    it("builds the access a stack's NPM resources log in with, as one secret", async () => {
        const local = npmAccess(hostTarget({ kind: "local", dockerHost: "unix:///var/run/docker.sock" }), "a@b.c", "pw");
        expect(await pulumi.isSecret(local)).toBe(true);
        expect(await resolved(local)).toEqual({ connection: { kind: "docker", dockerHost: "unix:///var/run/docker.sock", container: NPM_CONTAINER }, email: "a@b.c", password: "pw" });
        const target = hostTarget({ kind: "ssh", address: "h.example.com", port: 2222, sshdPort: 22, user: "deploy", hostKey: HOST_KEY }, pulumi.secret("KEY"));
        expect(await resolved(npmAccess(target, "a@b.c", "pw"))).toEqual({
            connection: { kind: "ssh", host: "h.example.com", port: 2222, user: "deploy", sshOpts: target.dockerSshOpts, privateKey: "KEY", container: "nginx-proxy-manager" },
            email: "a@b.c",
            password: "pw",
        });
        expect((await resolved(npmAccess(hostTarget({ kind: "ssh", address: "h", port: 22, sshdPort: 22, user: "u", hostKey: HOST_KEY }), "a@b.c", "pw"))).connection).not.toHaveProperty("privateKey");
        expect(AUTHELIA_URL).toBe("http://authelia:9091");
    });
});
