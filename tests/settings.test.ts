import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as yaml from "js-yaml";
import { checkScalar, Scalar, Setting } from "../config/schema/setting";
import { ALL_SETTINGS, SETTINGS } from "../config/schema/settings";
import { projectConfig, stackFileSchema } from "../config/schema/render";
import { validateConfig } from "../config/validate";
import { renderedProjectFile, renderedReadme } from "../scripts/settingsFiles";
import { minimal } from "./support/config";

/** The declared settings drive validation, README's table, Pulumi.yaml's config block and a JSON Schema of stack files. */
const ROOT = path.join(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";

/** Every scalar declaration in the tree with its dotted key (`host.port`, `services.<name>.tag`). */
function scalars(prefix: string, s: Setting): [string, Scalar][] {
    if (s.type === "object") return Object.entries(s.fields).flatMap(([k, f]) => scalars(`${prefix}.${k}`, f));
    if (s.type === "map") return scalars(`${prefix}.<name>`, s.values);
    if (s.type === "list") return scalars(`${prefix}[]`, s.items);
    if (s.type === "secret") return [];
    return [[prefix, s]];
}
const ALL_SCALARS = Object.entries(ALL_SETTINGS).flatMap(([k, s]) => scalars(k, s));

describe("declared settings", () => {
    it("README's settings table and Pulumi.yaml's config block are what npm run settings renders", () => {
        expect(renderedReadme(read("README.md"))).toBe(read("README.md"));
        expect(renderedProjectFile(read("Pulumi.yaml"))).toBe(read("Pulumi.yaml"));
    });

    it("each value Pulumi.yaml declares as a default means exactly what the unset key means, on a local and an ssh stack", () => {
        const ssh = { ...minimal, host: { type: "ssh", address: "h.example.com", hostKey: HOST_KEY } };
        for (const base of [minimal, ssh] as Record<string, unknown>[]) {
            const unset = validateConfig(base);
            for (const [key, decl] of Object.entries(projectConfig())) {
                if (!("default" in decl) || key in base) continue;
                expect([key, validateConfig({ ...base, [key]: decl.default })]).toEqual([key, unset]);
                // The CLI hands objects over as JSON text, scalars as strings.
                const asCli = typeof decl.default === "object" ? JSON.stringify(decl.default) : String(decl.default);
                expect([key, validateConfig({ ...base, [key]: asCli })]).toEqual([key, unset]);
            }
        }
    });

    it("Pulumi.yaml declares every plain key, required ones without a default, scalars in Pulumi's own types", () => {
        const project = yaml.load(read("Pulumi.yaml")) as { config: Record<string, { type?: string; default?: unknown }> };
        const plain = Object.entries(ALL_SETTINGS).filter(([, s]) => s.type !== "secret");
        expect(Object.keys(project.config).sort()).toEqual(plain.map(([k]) => k).sort());
        for (const [key, s] of plain) {
            const decl = project.config[key];
            // A key without default is required by the CLI (pkg/workspace/config.go).
            expect([key, "default" in decl]).toEqual([key, !s.required]);
            // Objects and lists carry no type: Pulumi would refuse the JSON text the program accepts for them.
            const scalar = ["string", "integer", "boolean", "number"].includes(s.type);
            expect([key, decl.type]).toEqual([key, scalar ? (s.type === "number" ? "string" : s.type) : undefined]);
        }
    });

    it("checks a default computed from another setting like a given value: sshd on the proxy's port is refused", () => {
        const host = (port: number) => ({ ...minimal, host: { type: "ssh", address: "h.example.com", port, hostKey: HOST_KEY } });
        expect(() => validateConfig(host(443))).toThrow(/host.sshdPort: 443 is a port the stack publishes/);
        expect(validateConfig(host(2222)).host).toMatchObject({ port: 2222, sshdPort: 2222 });
    });

    it("every declared default passes its own declaration, and every example does", () => {
        for (const [key, s] of ALL_SCALARS) {
            if (s.default !== undefined) expect([key, checkScalar(s, s.default)]).toEqual([key, { value: s.default }]);
            if (s.type !== "boolean" && !key.includes("[]")) {
                const example = s.example.replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
                // Examples with placeholders (<uuid>, AAAA...) are for people; the others must be valid values.
                if (!/[<>]|\.\.\./.test(example)) expect([key, "value" in checkScalar(s, example)]).toEqual([key, true]);
            }
        }
    });

    it("the defaults validation applies are the declared ones", () => {
        const c = validateConfig(minimal);
        expect(c).toMatchObject({
            adminUser: SETTINGS.adminUser.default,
            timezone: SETTINGS.timezone.default,
            puid: SETTINGS.puid.default,
            torrentPort: SETTINGS.torrentPort.default,
            storage: { configRoot: SETTINGS.storage.fields.configRoot.default, dataRoot: SETTINGS.storage.fields.dataRoot.default },
            monitoring: { retentionTime: SETTINGS.monitoring.fields.retentionTime.default, updatesOverdueDays: SETTINGS.monitoring.fields.updatesOverdueDays.default },
            networks: { proxySubnet: SETTINGS.networks.fields.proxySubnet.default },
            alerting: { groupWait: SETTINGS.alerting.fields.groupWait.default },
            backup: { time: SETTINGS.backup.fields.time.default, keepDaily: SETTINGS.backup.fields.keepDaily.default },
        });
    });

    it("a field the declarations do not know is refused by validation, at every level", () => {
        const issues = (raw: Record<string, unknown>) => {
            try {
                validateConfig(raw);
                return [];
            } catch (e) {
                return (e as { issues: { key: string }[] }).issues.map((i) => i.key);
            }
        };
        expect(issues({ ...minimal, host: { tpye: "ssh" } })).toContain("monsterr:host.tpye");
        expect(issues({ ...minimal, alerting: { email: { to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", tls: true } } })).toContain("monsterr:alerting.email.tls");
        expect(issues({ ...minimal, services: { plex: { gpu: true } } })).toContain("monsterr:services.plex.gpu");
        expect(issues({ ...minimal, users: { alice: { email: "alice@example.com", admin: true } } })).toContain("monsterr:users.alice.admin");
        expect(issues({ ...minimal, hosts: { nas: { address: "nas.lan", hostKey: HOST_KEY, privateAddress: "10.0.0.2", gpus: 1 } } })).toContain("monsterr:hosts.nas.gpus");
    });

    it("accepts every DNS provider id Nginx Proxy Manager 2.15.1 knows, hyphenated ones included, and refuses others", () => {
        const tls = (dnsProvider: string) => ({ ...minimal, tls: { challenge: "dns", dnsProvider } });
        expect(validateConfig(tls("hetzner-cloud"), { dnsCredentials: true }).tls).toEqual({ mode: "letsencrypt", challenge: "dns", dnsProvider: "hetzner-cloud" });
        expect(() => validateConfig(tls("cloudflair"), { dnsCredentials: true })).toThrow(/tls.dnsProvider: 'cloudflair' is not a DNS provider Nginx Proxy Manager 2.15.1 knows.*cloudflare/);
    });

    describe("the JSON Schema of stack files", () => {
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = ajv.compile(stackFileSchema());
        const stackFile = (f: string) => yaml.load(read(f));

        it.each(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])("accepts %s", (f) => {
            expect(validate(stackFile(f)) ? [] : validate.errors).toEqual([]);
        });

        it("accepts values as the CLI writes them (numbers and booleans as strings, secrets as secure:)", () => {
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", "monsterr:puid": "1001", "monsterr:services": { plex: { enabled: "false" } }, "monsterr:plexClaim": { secure: "v1:abc" } } })).toBe(true);
        });

        it.each<[string, Record<string, unknown>]>([
            ["a misspelt key", { "monsterr:domian": "x.example.com" }],
            ["an unknown host field", { "monsterr:host": { tpye: "ssh" } }],
            ["a host type outside its values", { "monsterr:host": { type: "winrm" } }],
            ["a secret in plain text", { "monsterr:plexClaim": "claim-abc" }],
            ["a port out of range", { "monsterr:torrentPort": 70000 }],
            ["an unknown field of another host", { "monsterr:hosts": { nas: { address: "nas.lan", docker: "x" } } }],
            ["another host's type outside its values", { "monsterr:hosts": { nas: { type: "local" } } }],
        ])("refuses %s", (_what, extra) => {
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", ...extra } })).toBe(false);
        });

        it("takes household passwords set one user at a time with --secret --path", () => {
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", "monsterr:userPasswords": { alice: { secure: "v1:a" }, bob: { secure: "v1:b" } } } })).toBe(true);
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", "monsterr:userPasswords": { alice: "in plain text" } } })).toBe(false);
        });

        it("takes other hosts and the host of each app", () => {
            const hosts = { "monsterr:host": { type: "ssh", address: "edge.lan", hostKey: "ssh-ed25519 AAAA", privateAddress: "10.0.0.1", gpu: "false" }, "monsterr:hosts": { nas: { address: "nas.lan", hostKey: "ssh-ed25519 AAAA", privateAddress: "10.0.0.2", gpu: true, dataShare: "nas" } } };
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", ...hosts, "monsterr:services": { plex: { host: "nas" } } } })).toBe(true);
        });

        it("leaves other namespaces to their providers", () => {
            expect(validate({ config: { "monsterr:domain": "media.example.com", "monsterr:adminEmail": "me@example.com", "docker:host": "unix:///var/run/docker.sock" } })).toBe(true);
        });
    });
});
