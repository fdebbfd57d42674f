import * as pulumi from "@pulumi/pulumi";
import { routedServices } from "../../../components/edge/accessControl";
import { edgeSnippet } from "../../../components/edge/authSnippet";
import { Firewall } from "../../../components/edge/firewall";
import { packagesScript, ufwCreateScript, ufwDeleteScript } from "../../../components/edge/firewallScripts";
import { NpmAdmin } from "../../../components/edge/npmAdmin";
import { NpmAccess } from "../../../components/edge/npmApi";
import { AUTHELIA_URL, ProxyHosts } from "../../../components/edge/proxyHosts";
import { CA_VALIDITY_HOURS, DNS_PROPAGATION_SECONDS, EdgeTls, LEAF_VALIDITY_HOURS } from "../../../components/edge/tls";
import { firewallPolicy } from "../../../components/edge/ufwRules";
import { hostTarget } from "../../../components/hostTarget";
import { isSecret, reveal } from "../../../scripts/offline";
import { component, enabled, sshStack, stack } from "../support";

const DOMAIN = "media.example.com";
const ACCESS: NpmAccess = { connection: { kind: "docker", dockerHost: "unix:///var/run/docker.sock", container: "nginx-proxy-manager" }, email: "me@example.com", password: "p" };
const FQDNS = [`sonarr.${DOMAIN}`, `plex.${DOMAIN}`];

/** Stands in for the NPM container the edge resources wait for. */
class Npm extends pulumi.CustomResource {
    constructor() {
        super("test:index:Npm", "npm", {});
    }
}

/** The NPM dynamic resources' own inputs (the provider's serialized code left out). */
const npmInputs = (r: { inputs: Record<string, unknown> }) => Object.fromEntries(Object.entries(r.inputs).filter(([k]) => k !== "__provider"));

describe("certificates (unit)", () => {
    it("dev: a P-256 CA and a wildcard leaf it signs, uploaded to NPM as a secret, one id for every name", async () => {
        const run = await component(() => {
            const t = new EdgeTls("tls", { domain: DOMAIN, tls: { mode: "selfsigned" }, fqdns: FQDNS, access: ACCESS });
            return { ids: pulumi.output(t.certificateIds), ca: t.caCertPem };
        });
        const byName = Object.fromEntries(run.resources.map((r) => [r.name, r]));
        // Registration order follows output resolution: compare by name.
        expect(run.resources.filter((r) => r.custom).map((r) => [r.name, r.type, r.parent]).sort()).toEqual([
            ["tls-ca", "tls:index/selfSignedCert:SelfSignedCert", "tls"],
            ["tls-ca-key", "tls:index/privateKey:PrivateKey", "tls"],
            ["tls-cert", "tls:index/locallySignedCert:LocallySignedCert", "tls"],
            ["tls-csr", "tls:index/certRequest:CertRequest", "tls"],
            ["tls-key", "tls:index/privateKey:PrivateKey", "tls"],
            ["tls-npm-wildcard", "pulumi-nodejs:dynamic/monsterr:NpmCertificate", "tls"],
        ]);
        for (const k of ["tls-ca-key", "tls-key"]) expect(byName[k].inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        expect(reveal(byName["tls-ca"].inputs)).toEqual({
            privateKeyPem: expect.stringContaining("PRIVATE KEY"),
            isCaCertificate: true,
            subject: { commonName: `Monsterr local CA (${DOMAIN})`, organization: "Monsterr" },
            validityPeriodHours: 87600,
            allowedUses: ["cert_signing", "crl_signing"],
        });
        expect(reveal(byName["tls-csr"].inputs)).toMatchObject({ subject: { commonName: `*.${DOMAIN}` }, dnsNames: [`*.${DOMAIN}`, DOMAIN] });
        expect(reveal(byName["tls-cert"].inputs)).toMatchObject({ validityPeriodHours: 397 * 24, earlyRenewalHours: 720, allowedUses: ["digital_signature", "key_encipherment", "server_auth"] });
        expect([LEAF_VALIDITY_HOURS, CA_VALIDITY_HOURS]).toEqual([9528, 87600]);
        // The leaf is signed by the CA's key and certificate, not its own.
        expect(reveal(byName["tls-cert"].inputs)).toMatchObject({ caPrivateKeyPem: (reveal(byName["tls-ca"].inputs) as { privateKeyPem: string }).privateKeyPem, caCertPem: expect.stringContaining("CERTIFICATE") });
        const upload = npmInputs(byName["tls-npm-wildcard"]);
        expect(isSecret(upload.spec) && isSecret(upload.access)).toBe(true);
        expect(reveal(upload.spec)).toEqual({
            provider: "other",
            niceName: `Monsterr local CA wildcard *.${DOMAIN}`,
            domainNames: [`*.${DOMAIN}`, DOMAIN],
            certificate: expect.stringContaining("BEGIN CERTIFICATE"),
            certificateKey: expect.stringContaining("BEGIN PRIVATE KEY"),
        });
        expect(run.outputs.ids).toEqual(Object.fromEntries(FQDNS.map((f) => [f, "tls-npm-wildcard-id"])));
        expect(run.outputs.ca).toEqual(expect.stringContaining("BEGIN CERTIFICATE"));
    });

    it("DNS-01: one Let's Encrypt wildcard with the credentials as a secret; refused without credentials", async () => {
        const run = await component(() => {
            const t = new EdgeTls("tls", { domain: DOMAIN, tls: { mode: "letsencrypt", challenge: "dns", dnsProvider: "cloudflare" }, fqdns: FQDNS, access: ACCESS, dnsCredentials: pulumi.secret("dns_cloudflare_api_token = x") });
            return { ids: pulumi.output(t.certificateIds), ca: pulumi.output(t.caCertPem ?? "none") };
        });
        expect(run.resources.filter((r) => r.custom).map((r) => r.name)).toEqual(["tls-le-wildcard"]);
        const spec = npmInputs(run.resources.find((r) => r.name === "tls-le-wildcard")!).spec;
        expect(isSecret(spec)).toBe(true);
        expect(reveal(spec)).toEqual({ provider: "letsencrypt", domainNames: [`*.${DOMAIN}`, DOMAIN], dns: { provider: "cloudflare", credentials: "dns_cloudflare_api_token = x", propagationSeconds: 120 } });
        expect(DNS_PROPAGATION_SECONDS).toBe(120);
        expect(run.outputs).toEqual({ ids: Object.fromEntries(FQDNS.map((f) => [f, "tls-le-wildcard-id"])), ca: "none" });
        await expect(component(() => new EdgeTls("tls", { domain: DOMAIN, tls: { mode: "letsencrypt", challenge: "dns", dnsProvider: "cloudflare" }, fqdns: FQDNS, access: ACCESS }))).rejects.toThrow(
            "tls.challenge dns needs monsterr:dnsCredentials",
        );
    });

    it("HTTP-01: one Let's Encrypt certificate per name, named after its subdomain, waiting for NPM", async () => {
        const run = await component(() => {
            const npm = new Npm();
            const t = new EdgeTls("tls", { domain: DOMAIN, tls: { mode: "letsencrypt", challenge: "http" }, fqdns: FQDNS, access: ACCESS }, { dependsOn: [npm] });
            return { ids: pulumi.output(t.certificateIds) };
        });
        const certs = run.resources.filter((r) => r.name.startsWith("tls-"));
        expect(certs.map((r) => [r.name, reveal(npmInputs(r).spec), r.dependsOn])).toEqual([
            ["tls-le-sonarr", { provider: "letsencrypt", domainNames: [`sonarr.${DOMAIN}`] }, ["npm"]],
            ["tls-le-plex", { provider: "letsencrypt", domainNames: [`plex.${DOMAIN}`] }, ["npm"]],
        ]);
        expect(run.outputs.ids).toEqual({ [`sonarr.${DOMAIN}`]: "tls-le-sonarr-id", [`plex.${DOMAIN}`]: "tls-le-plex-id" });
    });
});

describe("proxy hosts (unit)", () => {
    const services = () => routedServices(DOMAIN, ["authelia", "sonarr", "plex"]);
    const ids = () => Object.fromEntries(services().map((s) => [s.fqdn, `cert-${s.name}`]));

    it("one host per routed app: HTTPS forced, HSTS, HTTP/2, exploits blocked, no cache, websockets, the edge snippet", async () => {
        const run = await component(() => {
            const npm = new Npm();
            return { hosts: Object.keys(new ProxyHosts("proxy", { services: services(), access: ACCESS, certificateIds: ids(), hostGateway: "172.30.10.1", trustedProxies: ["10.0.0.0/8"] }, { dependsOn: [npm] }).hosts) };
        });
        const hosts = run.resources.filter((r) => r.parent === "proxy");
        expect(hosts.map((r) => [r.name, r.dependsOn])).toEqual(services().map((s) => [`proxy-${s.name}`, ["npm"]]));
        expect(hosts).toHaveLength(3);
        const inputs = (name: string) => reveal(npmInputs(hosts.find((h) => h.name === name)!)) as Record<string, unknown>;
        const common = { sslForced: true, hstsEnabled: true, hstsSubdomains: false, http2Support: true, blockExploits: true, cachingEnabled: false, allowWebsocketUpgrade: true, forwardScheme: "http" };
        expect(inputs("proxy-sonarr")).toEqual({
            ...common,
            access: ACCESS,
            domainNames: [`sonarr.${DOMAIN}`],
            forwardHost: "sonarr",
            forwardPort: 8989,
            certificateId: "cert-sonarr",
            advancedConfig: edgeSnippet({ fqdn: `sonarr.${DOMAIN}`, autheliaUrl: AUTHELIA_URL, forwardAuth: true, trustedProxies: ["10.0.0.0/8"] }),
            observed: undefined,
        });
        // Plex listens on the host network: the proxy reaches it at the host's gateway address. It and the portal bypass Authelia.
        expect(inputs("proxy-plex")).toMatchObject({ forwardHost: "172.30.10.1", forwardPort: 32400, advancedConfig: edgeSnippet({ fqdn: `plex.${DOMAIN}`, autheliaUrl: AUTHELIA_URL, forwardAuth: false, trustedProxies: ["10.0.0.0/8"] }) });
        expect(inputs("proxy-authelia")).toMatchObject({ forwardHost: "authelia", forwardPort: 9091, advancedConfig: edgeSnippet({ fqdn: `auth.${DOMAIN}`, autheliaUrl: AUTHELIA_URL, forwardAuth: false, trustedProxies: ["10.0.0.0/8"] }) });
        expect(AUTHELIA_URL).toBe("http://authelia:9091");
        expect(run.outputs.hosts).toEqual(services().map((s) => s.name));
    });

    it("a routed app without a certificate is a program error, not a host without TLS", async () => {
        const { [`plex.${DOMAIN}`]: _, ...partial } = ids();
        await expect(component(() => new ProxyHosts("proxy", { services: services(), access: ACCESS, certificateIds: partial, hostGateway: "172.30.10.1", trustedProxies: [] }))).rejects.toThrow(`no certificate for plex.${DOMAIN}`);
    });
});

describe("the host firewall component (unit)", () => {
    it("on an ssh host: installs packages, then applies the ufw rules, deleting them on destroy", async () => {
        const config = sshStack();
        const policy = firewallPolicy(config, enabled(config));
        const target = hostTarget(config.host);
        const run = await component(() => {
            const f = new Firewall("fw", { host: target, policy, fail2banContainer: "fail2ban" });
            return { policy: pulumi.output(f.policy) };
        });
        const commands = run.resources.filter((r) => r.type === "command:remote:Command");
        expect(commands.map((r) => [r.name, r.parent, r.dependsOn])).toEqual([["fw-packages", "fw", []], ["fw-ufw", "fw", ["fw-packages"]]]);
        const sudo = (s: string) => `sudo -n sh -c '${s.replace(/'/g, "'\\''")}'`;
        expect(commands[0].inputs.create).toBe(sudo(packagesScript()));
        expect(commands[0].inputs.delete).toBeUndefined();
        expect(commands[1].inputs.create).toBe(sudo(ufwCreateScript(policy, "fail2ban")));
        expect(commands[1].inputs.delete).toBe(sudo(ufwDeleteScript("fail2ban")));
        expect(run.outputs.policy).toEqual(policy);
    });

    it("never on the dev machine", async () => {
        const config = stack();
        await expect(component(() => new Firewall("fw", { host: hostTarget(config.host), policy: firewallPolicy(config, enabled(config)) }))).rejects.toThrow(/remote host's firewall only/);
    });
});

describe("the NPM admin resource (unit)", () => {
    it("holds the login and the bootstrap password only as secrets", async () => {
        const run = await component(() => {
            new NpmAdmin("npm-admin", { access: ACCESS, bootstrapPassword: "boot" });
        });
        const r = npmInputs(run.resources.find((x) => x.name === "npm-admin")!);
        expect(isSecret(r.access) && isSecret(r.bootstrapPassword)).toBe(true);
        expect(reveal(r)).toEqual({ access: ACCESS, bootstrapPassword: "boot", current: undefined });
    });
});
