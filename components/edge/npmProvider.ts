import * as pulumi from "@pulumi/pulumi";
import {
    CertificateSpec,
    NpmAccess,
    PROXY_HOST_KEYS,
    ProxyHostObserved,
    ProxyHostSpec,
    certificateBody,
    certificateFiles,
    proxyHostBody,
    proxyHostFromApi,
} from "./npmApi";
import { NpmSession, call, login, statusOf, upload } from "./npmClient";

/** Inputs and state of a proxy host resource. `access` carries the admin password: always a secret. */
export type ProxyHostProps = ProxyHostSpec & { access: NpmAccess };
export type ProxyHostState = ProxyHostProps & ProxyHostObserved;

export type CertificateProps = { access: NpmAccess; spec: CertificateSpec };
export type CertificateState = CertificateProps & { expiresOn: string; observedDomainNames: string[] };

const HOSTS = "/api/nginx/proxy-hosts";
const CERTS = "/api/nginx/certificates";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The spec keys that differ between the stored state (as read back) and the new inputs. */
export function proxyHostChanges(olds: Partial<ProxyHostState>, news: ProxyHostProps): string[] {
    const changed: string[] = PROXY_HOST_KEYS.filter((k) => !same(olds[k], news[k]));
    if ((olds.customLocations ?? []).length > 0) changed.push("customLocations");
    if (olds.enabled === false) changed.push("enabled");
    if ((olds.accessListId ?? 0) !== 0) changed.push("accessListId");
    if (!same(olds.access?.connection, news.access.connection) || olds.access?.email !== news.access.email) changed.push("access");
    return changed;
}

function specOf(p: ProxyHostProps): ProxyHostSpec {
    const spec = {} as Record<string, unknown>;
    for (const k of PROXY_HOST_KEYS) spec[k] = p[k];
    return spec as unknown as ProxyHostSpec;
}

function hostState(access: NpmAccess, apiObject: Record<string, unknown>): ProxyHostState {
    return { access, ...proxyHostFromApi(apiObject) };
}

/** Finds a host NPM already serves for one of these names: adopted instead of failing on "domain in use". */
async function findHost(s: NpmSession, domains: string[]): Promise<Record<string, any> | undefined> {
    const all = await call<Record<string, any>[]>(s, "GET", HOSTS);
    return all.find((h) => (h.domain_names as string[]).some((n) => domains.includes(n)));
}

/**
 * CRUD for one NPM proxy host. `read` returns what the API holds, so `pulumi refresh` records hand edits and the
 * next `up` puts the declared host back; `diff` compares only owned settings, so an unchanged stack is a no-op.
 */
export const proxyHostProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ProxyHostState, news: ProxyHostProps) {
        const changes = proxyHostChanges(olds, news);
        return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: ProxyHostProps) {
        const s = await login(inputs.access);
        const body = proxyHostBody(specOf(inputs));
        const existing = await findHost(s, inputs.domainNames);
        const created = existing ? await call(s, "PUT", `${HOSTS}/${existing.id}`, body) : await call(s, "POST", HOSTS, body);
        return { id: String(created.id), outs: hostState(inputs.access, created) };
    },

    async read(id: string, props: ProxyHostState) {
        const s = await login(props.access);
        try {
            const found = await call(s, "GET", `${HOSTS}/${id}`);
            return { id, props: hostState(props.access, found) };
        } catch (e) {
            // Deleted by hand: an empty result drops it from state, and the next `up` creates it again.
            if (statusOf(e) === 404) return {};
            throw e;
        }
    },

    async update(id: string, _olds: ProxyHostState, news: ProxyHostProps) {
        const s = await login(news.access);
        const updated = await call(s, "PUT", `${HOSTS}/${id}`, proxyHostBody(specOf(news)));
        return { outs: hostState(news.access, updated) };
    },

    async delete(id: string, props: ProxyHostState) {
        await deleteIfPresent(props.access, `${HOSTS}/${id}`);
    },
};

/** Deletes an API object; one already gone (deleted by hand) is what delete wanted anyway. */
async function deleteIfPresent(access: NpmAccess, path: string): Promise<void> {
    const s = await login(access);
    try {
        await call(s, "DELETE", path);
    } catch (e) {
        if (statusOf(e) !== 404) throw e;
    }
}

function certState(props: CertificateProps, o: Record<string, any>): CertificateState {
    return { ...props, expiresOn: String(o.expires_on ?? ""), observedDomainNames: [...(o.domain_names ?? [])] };
}

/**
 * CRUD for one NPM certificate. NPM cannot change a certificate in place, so any change of its spec replaces it;
 * Pulumi creates the new one, points the proxy hosts at it, then deletes the old one.
 */
export const certificateProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: CertificateState, news: CertificateProps) {
        const replaces = same(olds.spec, news.spec) ? [] : ["spec"];
        // Let's Encrypt certificates must still cover the declared names; a renamed one is re-issued.
        if (news.spec.provider === "letsencrypt" && olds.observedDomainNames && !same([...olds.observedDomainNames].sort(), [...news.spec.domainNames].sort())) {
            replaces.push("observedDomainNames");
        }
        const access = same(olds.access?.connection, news.access.connection) && olds.access?.email === news.access.email ? [] : ["access"];
        return { changes: replaces.length + access.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: CertificateProps) {
        const s = await login(inputs.access);
        const created = await call(s, "POST", CERTS, certificateBody(inputs.spec));
        if (inputs.spec.provider === "other") {
            try {
                await upload(s, `${CERTS}/${created.id}/upload`, certificateFiles(inputs.spec));
            } catch (e) {
                await call(s, "DELETE", `${CERTS}/${created.id}`).catch(() => undefined);
                throw e;
            }
        }
        const stored = await call(s, "GET", `${CERTS}/${created.id}`);
        return { id: String(created.id), outs: certState(inputs, stored) };
    },

    async read(id: string, props: CertificateState) {
        const s = await login(props.access);
        try {
            return { id, props: certState(props, await call(s, "GET", `${CERTS}/${id}`)) };
        } catch (e) {
            if (statusOf(e) === 404) return {};
            throw e;
        }
    },

    async update(_id: string, olds: CertificateState, news: CertificateProps) {
        // Only the access settings can change without a replacement.
        return { outs: { ...olds, access: news.access } };
    },

    async delete(id: string, props: CertificateState) {
        await deleteIfPresent(props.access, `${CERTS}/${id}`);
    },
};

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export type NpmProxyHostArgs = Inputs<ProxyHostSpec> & { access: pulumi.Input<NpmAccess> };

/** One NPM proxy host, managed through NPM's REST API. */
export class NpmProxyHost extends pulumi.dynamic.Resource {
    declare readonly domainNames: pulumi.Output<string[]>;
    declare readonly certificateId: pulumi.Output<string>;
    declare readonly customLocations: pulumi.Output<string[]>;

    constructor(name: string, args: NpmProxyHostArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            proxyHostProvider,
            name,
            { ...args, access: pulumi.secret(args.access), customLocations: undefined, enabled: undefined, accessListId: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access"] }),
            "monsterr",
            "NpmProxyHost",
        );
    }
}

export interface NpmCertificateArgs {
    access: pulumi.Input<NpmAccess>;
    spec: pulumi.Input<CertificateSpec>;
}

/**
 * One NPM certificate (Let's Encrypt, or a custom one uploaded with its key): `id` is NPM's certificate id.
 * The spec is always a secret: it may hold a private key or DNS API credentials.
 */
export class NpmCertificate extends pulumi.dynamic.Resource {
    declare readonly expiresOn: pulumi.Output<string>;

    constructor(name: string, args: NpmCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            certificateProvider,
            name,
            { access: pulumi.secret(args.access), spec: pulumi.secret(args.spec), expiresOn: undefined, observedDomainNames: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "spec"] }),
            "monsterr",
            "NpmCertificate",
        );
    }
}
