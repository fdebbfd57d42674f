import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { TlsConfig } from "../../config/types";
import { NpmAccess } from "./npmApi";
import { NpmCertificate } from "./npmProvider";

export interface EdgeTlsArgs {
    domain: string;
    tls: TlsConfig;
    /** Every public name that needs a certificate (`<sub>.<domain>`). */
    fqdns: string[];
    access: pulumi.Input<NpmAccess>;
    /** DNS-01 credentials INI, required by `tls.challenge: dns`. */
    dnsCredentials?: pulumi.Input<string>;
}

/** Let's Encrypt waits this long for DNS-01 TXT records to propagate. */
export const DNS_PROPAGATION_SECONDS = 120;
/** Leaf validity within what browsers accept from a private CA; renewed a month before expiry. */
export const LEAF_VALIDITY_HOURS = 397 * 24;
export const CA_VALIDITY_HOURS = 10 * 365 * 24;

/**
 * Certificates installed in NPM. prod: Let's Encrypt through NPM (one per host over HTTP-01, or one wildcard over
 * DNS-01). dev: a local CA and a wildcard leaf from @pulumi/tls, uploaded to NPM as a custom certificate; trust
 * `caCertPem` in the browser.
 */
export class EdgeTls extends pulumi.ComponentResource {
    /** NPM certificate id per public name. */
    readonly certificateIds: Record<string, pulumi.Output<string>> = {};
    /** The dev CA certificate (self-signed mode only). */
    readonly caCertPem?: pulumi.Output<string>;

    constructor(name: string, args: EdgeTlsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:edge:EdgeTls", name, {}, opts);
        // Pulumi does not pass a component's dependsOn to its children: each certificate waits for NPM itself.
        const child = { parent: this, dependsOn: opts?.dependsOn };
        const wildcard = [`*.${args.domain}`, args.domain];

        if (args.tls.mode === "selfsigned") {
            const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, child);
            const ca = new tls.SelfSignedCert(
                `${name}-ca`,
                {
                    privateKeyPem: caKey.privateKeyPem,
                    isCaCertificate: true,
                    subject: { commonName: `Monsterr local CA (${args.domain})`, organization: "Monsterr" },
                    validityPeriodHours: CA_VALIDITY_HOURS,
                    allowedUses: ["cert_signing", "crl_signing"],
                },
                child,
            );
            const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, child);
            const csr = new tls.CertRequest(`${name}-csr`, { privateKeyPem: key.privateKeyPem, subject: { commonName: wildcard[0] }, dnsNames: wildcard }, child);
            const leaf = new tls.LocallySignedCert(
                `${name}-cert`,
                {
                    certRequestPem: csr.certRequestPem,
                    caPrivateKeyPem: caKey.privateKeyPem,
                    caCertPem: ca.certPem,
                    validityPeriodHours: LEAF_VALIDITY_HOURS,
                    earlyRenewalHours: 30 * 24,
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                child,
            );
            const cert = new NpmCertificate(
                `${name}-npm-wildcard`,
                {
                    access: args.access,
                    spec: pulumi.secret(
                        pulumi.all([leaf.certPem, key.privateKeyPem]).apply(([certificate, certificateKey]) => ({
                            provider: "other" as const,
                            niceName: `Monsterr local CA wildcard ${wildcard[0]}`,
                            domainNames: wildcard,
                            certificate,
                            certificateKey,
                        })),
                    ),
                },
                child,
            );
            for (const fqdn of args.fqdns) this.certificateIds[fqdn] = cert.id;
            this.caCertPem = ca.certPem;
        } else if (args.tls.challenge === "dns") {
            if (args.dnsCredentials === undefined) throw new Error("tls.challenge dns needs monsterr:dnsCredentials");
            const provider = args.tls.dnsProvider;
            const cert = new NpmCertificate(
                `${name}-le-wildcard`,
                {
                    access: args.access,
                    spec: pulumi.secret(
                        pulumi.output(args.dnsCredentials).apply((credentials) => ({
                            provider: "letsencrypt" as const,
                            domainNames: wildcard,
                            dns: { provider, credentials, propagationSeconds: DNS_PROPAGATION_SECONDS },
                        })),
                    ),
                },
                child,
            );
            for (const fqdn of args.fqdns) this.certificateIds[fqdn] = cert.id;
        } else {
            // HTTP-01 cannot issue wildcards; one certificate per host also keeps a new service from re-issuing the others.
            for (const fqdn of args.fqdns) {
                const cert = new NpmCertificate(
                    `${name}-le-${fqdn.split(".")[0]}`,
                    { access: args.access, spec: { provider: "letsencrypt", domainNames: [fqdn] } },
                    child,
                );
                this.certificateIds[fqdn] = cert.id;
            }
        }
        this.registerOutputs({ certificates: Object.keys(this.certificateIds), ...(this.caCertPem ? { caCertPem: this.caCertPem } : {}) });
    }
}
