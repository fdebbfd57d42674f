import { routedServices } from "../../components/edge/accessControl";
import { certificateBody, proxyHostBody, ProxyHostSpec } from "../../components/edge/npmApi";
import { enabledServices } from "../../components/serviceGroup";
import { isSecret, plan, reveal } from "../support/plan";
import { requestSchemas, schemaErrors } from "../support/fakeNpm";
import { CATALOG } from "../../config/catalog";

const HOST = "pulumi-nodejs:dynamic/monsterr:NpmProxyHost";
const CERT = "pulumi-nodejs:dynamic/monsterr:NpmCertificate";

describe("the prod plan's edge: proxy hosts and certificates", () => {
    it("has a forward-authenticated proxy host for every web UI, HTTPS forced with HSTS and HTTP/2, and never publishes port 81", async () => {
        const p = await plan("prod");
        const hosts = p.byType(HOST).map((r) => ({ ...(reveal(r.inputs) as ProxyHostSpec), name: r.name, access: r.inputs.access }));
        const routed = CATALOG.filter((s) => s.route && s.enabledByDefault);
        expect(hosts.map((h) => h.domainNames[0]).sort()).toEqual(routed.map((s) => `${s.route!.subdomain}.media.example.com`).sort());
        for (const s of routed) {
            const h = hosts.find((x) => x.domainNames[0] === `${s.route!.subdomain}.media.example.com`)!;
            const guarded = h.advancedConfig.includes("auth_request /internal/authelia/authz;");
            expect({ service: s.name, guarded }).toEqual({ service: s.name, guarded: s.route!.auth !== "bypass" });
            expect(h).toMatchObject({ sslForced: true, hstsEnabled: true, http2Support: true, forwardScheme: "http", forwardPort: s.port });
            if (!s.hostNetwork) expect(h.forwardHost).toBe(s.name);
            expect(isSecret(h.access)).toBe(true);
        }
        for (const c of p.containers()) for (const port of c.ports ?? []) expect(port.internal).not.toBe(81);
        // Not routed either, not even behind Authelia: an SSH tunnel to the proxy's fixed address is the only way in.
        expect(hosts.filter((h) => h.forwardPort === 81 || h.forwardHost === "nginx-proxy-manager")).toEqual([]);
        const npm = p.container("nginx-proxy-manager")!;
        expect(npm.envs).toEqual(expect.arrayContaining(["INITIAL_ADMIN_EMAIL=admin@example.com", "INITIAL_ADMIN_PASSWORD__FILE=/run/secrets/npm-bootstrap-password"]));
    });

    it.each(["dev", "prod"] as const)("%s: NPM downloads no CDN ranges to trust X-Real-IP from, and seeds the edge log Fail2Ban reads", async (stack) => {
        const p = await plan(stack);
        expect(p.container("nginx-proxy-manager")!.envs).toContain("IP_RANGES_FETCH_ENABLED=false");
        const root = stack === "dev" ? "/var/tmp/monsterr-dev/config" : "/opt/monsterr";
        expect(p.files.get(`${root}/nginx-proxy-manager/data/logs/monsterr_access.log`)).toBe("");
        expect(p.resources.some((r) => r.name.includes("fail2ban-log-rescan"))).toBe(false);
    });

    it("gives NPM a bootstrap password (it logs it) and moves the admin to the stack's password, which no container can read", async () => {
        const p = await plan("prod");
        const admin = p.byType("pulumi-nodejs:dynamic/monsterr:NpmAdmin");
        expect(admin).toHaveLength(1);
        expect([...p.files.keys()].filter((f) => f.includes("npm-")).sort()).toEqual(["/opt/monsterr/secrets/npm-admin-password", "/opt/monsterr/secrets/npm-bootstrap-password"]);
        const stackPassword = (reveal(admin[0].inputs.access) as { password: string }).password;
        expect(stackPassword).not.toBe(reveal(admin[0].inputs.bootstrapPassword));
        // Only its own root-only file (kept for a later stack to adopt) holds it, and no container mounts that.
        const holders = [...p.files].filter(([, content]) => content.includes(stackPassword)).map(([path]) => path);
        expect(holders).toEqual(["/opt/monsterr/secrets/npm-admin-password"]);
        expect(p.containers().flatMap((c) => (c.volumes ?? []).map((v: { hostPath: string }) => v.hostPath))).not.toContain(holders[0]);
        expect(String(reveal(p.resources.find((r) => r.name === p.writerOf(holders[0]))!.inputs.create))).toContain("chmod 0400 ");
        // Every other NPM resource logs in with the stack's password, after the move.
        for (const r of [...p.byType(HOST), ...p.byType(CERT)]) {
            expect((reveal(r.inputs.access) as { password: string }).password).toBe(stackPassword);
            expect(p.waitsFor(r.name).has(admin[0].name)).toBe(true);
        }
    });

    it("sends NPM request bodies its v2.15.1 schemas accept, for every planned host and certificate", async () => {
        const p = await plan("prod");
        for (const r of p.byType(HOST)) {
            const spec = reveal(r.inputs) as ProxyHostSpec;
            // Ids and Plex's gateway address are only known at deploy time.
            const body = proxyHostBody({ ...spec, certificateId: "7", forwardHost: typeof spec.forwardHost === "string" ? spec.forwardHost : "172.17.0.1" });
            expect({ host: r.name, errors: schemaErrors(requestSchemas.createProxyHost(), body) }).toEqual({ host: r.name, errors: undefined });
            expect({ host: r.name, errors: schemaErrors(requestSchemas.updateProxyHost(), body) }).toEqual({ host: r.name, errors: undefined });
        }
        for (const r of p.byType(CERT)) {
            expect(schemaErrors(requestSchemas.createCertificate(), certificateBody(reveal(r.inputs.spec) as any))).toBeUndefined();
        }
    });

    it("follows the config: a disabled service loses its proxy host and its access rule", async () => {
        const p = await plan("prod", { services: { portainer: { enabled: false } } });
        const names = p.byType(HOST).map((r) => (reveal(r.inputs) as ProxyHostSpec).domainNames[0]);
        expect(names).not.toContain("portainer.media.example.com");
        expect(p.files.get("/opt/monsterr/authelia/configuration.yml")).not.toContain("portainer.media.example.com");
        expect(routedServices("media.example.com", ["portainer"])).toHaveLength(1);
        expect(enabledServices).toBeDefined();
    });
});
