import { certificateBody } from "../../components/edge/npmApi";
import { LEAF_VALIDITY_HOURS } from "../../components/edge/tls";
import { isSecret, plan, reveal } from "../support/plan";
import { requestSchemas, schemaErrors } from "../support/fakeNpm";

const HOST = "pulumi-nodejs:dynamic/monsterr:NpmProxyHost";
const CERT = "pulumi-nodejs:dynamic/monsterr:NpmCertificate";

describe("TLS", () => {
    it("dev: a local ECDSA CA signs one wildcard certificate, uploaded to NPM as a secret and used by every host", async () => {
        const p = await plan("dev");
        const keys = p.byType("tls:index/privateKey:PrivateKey").map((r) => r.inputs);
        expect(keys).toEqual([expect.objectContaining({ algorithm: "ECDSA", ecdsaCurve: "P256" }), expect.objectContaining({ algorithm: "ECDSA", ecdsaCurve: "P256" })]);
        const [ca] = p.byType("tls:index/selfSignedCert:SelfSignedCert").map((r) => r.inputs);
        expect(ca).toMatchObject({ isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"] });
        expect(p.byType("tls:index/certRequest:CertRequest")[0].inputs.dnsNames).toEqual(["*.media.localhost", "media.localhost"]);
        expect(p.byType("tls:index/locallySignedCert:LocallySignedCert")[0].inputs).toMatchObject({ validityPeriodHours: LEAF_VALIDITY_HOURS, allowedUses: expect.arrayContaining(["server_auth"]) });
        const certs = p.byType(CERT);
        expect(certs).toHaveLength(1);
        // The leaf and its key (the plan's placeholder PEMs) go to NPM as a custom certificate, only as a secret.
        expect(isSecret(certs[0].inputs.spec)).toBe(true);
        const leafPem = (reveal(p.byType("tls:index/locallySignedCert:LocallySignedCert")[0].inputs) as { certRequestPem: string }).certRequestPem;
        expect(leafPem).toMatch(/BEGIN CERTIFICATE REQUEST/);
        expect(reveal(certs[0].inputs.spec)).toMatchObject({
            provider: "other",
            domainNames: ["*.media.localhost", "media.localhost"],
            certificate: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/),
            certificateKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/),
        });
        const certIds = new Set(p.byType(HOST).map((r) => reveal(r.inputs.certificateId)));
        expect([...certIds]).toEqual([`${certs[0].name}-id`]);
    });

    it("prod (HTTP-01): one Let's Encrypt certificate per host, each host using its own", async () => {
        const p = await plan("prod");
        const certs = p.byType(CERT);
        const hosts = p.byType(HOST);
        expect(certs).toHaveLength(hosts.length);
        for (const h of hosts) {
            const domain = (reveal(h.inputs.domainNames) as string[])[0];
            const cert = certs.find((c) => `${c.name}-id` === reveal(h.inputs.certificateId))!;
            expect(isSecret(cert.inputs.spec)).toBe(true);
            expect(reveal(cert.inputs.spec)).toEqual({ provider: "letsencrypt", domainNames: [domain] });
        }
        expect(p.byType("tls:index/privateKey:PrivateKey")).toHaveLength(0);
    });

    it("prod (DNS-01): one wildcard certificate whose request carries the DNS credentials as a secret", async () => {
        const p = await plan("prod", { tls: { mode: "letsencrypt", challenge: "dns", dnsProvider: "cloudflare" } }, { dnsCredentials: "dns_cloudflare_api_token = abc" });
        const certs = p.byType(CERT);
        expect(certs).toHaveLength(1);
        expect(isSecret(certs[0].inputs.spec)).toBe(true);
        const body = certificateBody(reveal(certs[0].inputs.spec) as any);
        expect(body).toEqual({ provider: "letsencrypt", domain_names: ["*.media.example.com", "media.example.com"], meta: { dns_challenge: true, dns_provider: "cloudflare", dns_provider_credentials: "dns_cloudflare_api_token = abc", propagation_seconds: 120 } });
        expect(schemaErrors(requestSchemas.createCertificate(), body)).toBeUndefined();
        expect(new Set(p.byType(HOST).map((r) => reveal(r.inputs.certificateId))).size).toBe(1);
    });
});
