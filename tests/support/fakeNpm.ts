/**
 * An in-process stand-in for Nginx Proxy Manager's REST API on 127.0.0.1, for CRUD and refresh tests of the
 * dynamic providers. Every request body is validated against NPM's own v2.15.1 request schemas (strict,
 * `additionalProperties: false`) and every object it returns against NPM's object schemas, so a body the real API
 * would reject fails here too.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { pathToFileURL } from "url";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { upstreamSchemas } from "./upstreamSchemas";

export const NPM_SCHEMAS = upstreamSchemas("nginx-proxy-manager-v2.15.1");

function schemaFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? schemaFiles(path.join(dir, e.name)) : e.name.endsWith(".json") && e.name !== "swagger.json" ? [path.join(dir, e.name)] : []));
}

let ajv: Ajv2020 | undefined;
/** NPM's schema files, each registered under its file URL so their relative `$ref`s resolve. */
function npmAjv(): Ajv2020 {
    if (ajv) return ajv;
    ajv = new Ajv2020({ unicodeRegExp: false, strict: false, allErrors: true });
    addFormats(ajv);
    for (const file of schemaFiles(NPM_SCHEMAS)) {
        const schema = JSON.parse(fs.readFileSync(file, "utf8"));
        delete schema.$schema;
        ajv.addSchema({ ...schema, $id: pathToFileURL(file).href });
    }
    return ajv;
}

function validator(file: string, pointer: string): ValidateFunction {
    const ref = `${pathToFileURL(path.join(NPM_SCHEMAS, file)).href}#${pointer}`;
    const v = npmAjv().getSchema(ref);
    if (!v) throw new Error(`no schema at ${ref}`);
    return v;
}

const JSON_BODY = "/requestBody/content/application~1json/schema";

/** Validators of the request bodies the providers send, by operation. */
export const requestSchemas = {
    token: () => validator("paths/tokens/post.json", JSON_BODY),
    userAuth: () => validator("paths/users/userID/auth/put.json", JSON_BODY),
    createProxyHost: () => validator("paths/nginx/proxy-hosts/post.json", JSON_BODY),
    updateProxyHost: () => validator("paths/nginx/proxy-hosts/hostID/put.json", JSON_BODY),
    createCertificate: () => validator("paths/nginx/certificates/post.json", JSON_BODY),
    uploadCertificate: () => validator("common.json", "/properties/certificate_files/content/multipart~1form-data/schema"),
};
const objectSchemas = {
    proxyHost: () => validator("components/proxy-host-object.json", ""),
    certificate: () => validator("components/certificate-object.json", ""),
};

export function schemaErrors(v: ValidateFunction, body: unknown): string | undefined {
    return v(body) ? undefined : npmAjv().errorsText(v.errors);
}

export interface RecordedRequest {
    method: string;
    path: string;
    body: unknown;
}

export interface FakeNpm {
    url: string;
    email: string;
    /** The admin's password now (changed through PUT /api/users/me/auth, as NPM does). */
    password: string;
    hosts: Map<number, Record<string, any>>;
    certificates: Map<number, Record<string, any>>;
    requests: RecordedRequest[];
    /** Bodies the schemas rejected: a correct client never produces any. */
    rejected: string[];
    /** Changes a host the way a person would in NPM's UI. */
    editHost(id: number, patch: Record<string, unknown>): void;
    close(): Promise<void>;
}

const now = () => new Date().toISOString();

function parseMultipart(body: Buffer, contentType: string): Record<string, string> | undefined {
    const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
    if (!boundary) return undefined;
    const fields: Record<string, string> = {};
    for (const part of body.toString("utf8").split(`--${boundary}`).slice(1, -1)) {
        const [head, ...rest] = part.replace(/^\r\n/, "").split("\r\n\r\n");
        const name = /name="([^"]+)"/.exec(head)?.[1];
        if (!name || !/filename="/.test(head)) return undefined;
        fields[name] = rest.join("\r\n\r\n").replace(/\r\n$/, "");
    }
    return fields;
}

/** `startingRequests`: how many requests get nginx's 502 first, as while NPM's API is still starting behind it. */
export async function startFakeNpm(opts: { email?: string; password?: string; startingRequests?: number } = {}): Promise<FakeNpm> {
    const email = opts.email ?? "admin@example.com";
    let password = opts.password ?? "correct-horse-battery-staple";
    const tokens = new Set<string>();
    const hosts = new Map<number, Record<string, any>>();
    const certificates = new Map<number, Record<string, any>>();
    const requests: RecordedRequest[] = [];
    const rejected: string[] = [];
    let nextId = 1;

    const respond = (res: http.ServerResponse, status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const fail = (res: http.ServerResponse, status: number, message: string) => respond(res, status, { error: { code: status, message } });
    const checkObject = (kind: keyof typeof objectSchemas, o: unknown) => {
        const err = schemaErrors(objectSchemas[kind](), o);
        if (err) throw new Error(`fake NPM built an invalid ${kind}: ${err}`);
        return o;
    };

    let starting = opts.startingRequests ?? 0;
    const handle = (req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse) => {
        if (starting > 0) {
            starting--;
            res.writeHead(502, { "Content-Type": "text/html" });
            res.end("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>openresty</center></body></html>\n");
            return;
        }
        const url = new URL(req.url ?? "/", "http://fake");
        const method = req.method ?? "GET";
        const isJson = (req.headers["content-type"] ?? "").startsWith("application/json");
        const body = isJson && raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
        requests.push({ method, path: url.pathname, body });
        const invalid = (schema: ValidateFunction, b: unknown) => {
            const err = schemaErrors(schema, b);
            if (err) {
                rejected.push(`${method} ${url.pathname}: ${err}`);
                fail(res, 400, `data ${err}`);
            }
            return err !== undefined;
        };

        if (method === "POST" && url.pathname === "/api/tokens") {
            if (invalid(requestSchemas.token(), body)) return;
            if (body.identity !== email || body.secret !== password) return fail(res, 401, "Invalid email or password");
            const token = `tok-${tokens.size + 1}-${Math.random().toString(36).slice(2)}`;
            tokens.add(token);
            return respond(res, 200, { token, expires: new Date(Date.now() + 86400000).toISOString() });
        }
        const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (!auth || !tokens.has(auth)) return fail(res, 401, "Permission Denied");

        // backend/internal/user.js setPassword: changing your own password needs the current one.
        if (method === "PUT" && url.pathname === "/api/users/me/auth") {
            if (invalid(requestSchemas.userAuth(), body)) return;
            if (!body.current) return fail(res, 400, "Current password was not supplied");
            if (body.current !== password) return fail(res, 401, "Invalid email or password");
            password = body.secret;
            return respond(res, 200, true);
        }

        const hostMatch = /^\/api\/nginx\/proxy-hosts(?:\/(\d+))?$/.exec(url.pathname);
        if (hostMatch) {
            const id = hostMatch[1] ? Number(hostMatch[1]) : undefined;
            if (id === undefined && method === "GET") return respond(res, 200, [...hosts.values()]);
            if (id === undefined && method === "POST") {
                if (invalid(requestSchemas.createProxyHost(), body)) return;
                const taken = [...hosts.values()].find((h) => h.domain_names.some((d: string) => body.domain_names.includes(d)));
                if (taken) return fail(res, 400, `${taken.domain_names[0]} is already in use`);
                if (body.certificate_id && !certificates.has(body.certificate_id)) return fail(res, 400, "Certificate not found");
                const host = {
                    id: nextId++, created_on: now(), modified_on: now(), owner_user_id: 1,
                    forward_scheme: "http", access_list_id: 0, certificate_id: 0, ssl_forced: false, caching_enabled: false,
                    block_exploits: false, advanced_config: "", meta: {}, allow_websocket_upgrade: false, http2_support: false,
                    enabled: true, locations: [], hsts_enabled: false, hsts_subdomains: false, trust_forwarded_proto: false,
                    ...body,
                };
                hosts.set(host.id, checkObject("proxyHost", host) as Record<string, any>);
                return respond(res, 201, host);
            }
            const host = id === undefined ? undefined : hosts.get(id);
            if (!host) return fail(res, 404, "Not Found");
            if (method === "GET") return respond(res, 200, host);
            if (method === "PUT") {
                if (invalid(requestSchemas.updateProxyHost(), body)) return;
                Object.assign(host, body, { modified_on: now() });
                checkObject("proxyHost", host);
                return respond(res, 200, host);
            }
            if (method === "DELETE") {
                hosts.delete(host.id);
                return respond(res, 200, true);
            }
        }

        const certMatch = /^\/api\/nginx\/certificates(?:\/(\d+))?(\/upload)?$/.exec(url.pathname);
        if (certMatch) {
            const id = certMatch[1] ? Number(certMatch[1]) : undefined;
            if (id === undefined && method === "GET") return respond(res, 200, [...certificates.values()]);
            if (id === undefined && method === "POST") {
                if (invalid(requestSchemas.createCertificate(), body)) return;
                const cert = {
                    id: nextId++, created_on: now(), modified_on: now(), owner_user_id: 1, provider: body.provider,
                    nice_name: body.nice_name ?? (body.domain_names ?? []).join(", "), domain_names: body.domain_names ?? [],
                    expires_on: body.provider === "letsencrypt" ? "2027-01-01T00:00:00.000Z" : "", meta: { ...(body.meta ?? {}) },
                };
                if (cert.meta.dns_provider_credentials) delete cert.meta.dns_provider_credentials;
                certificates.set(cert.id, checkObject("certificate", cert) as Record<string, any>);
                return respond(res, 201, cert);
            }
            const cert = id === undefined ? undefined : certificates.get(id);
            if (!cert) return fail(res, 404, "Not Found");
            if (certMatch[2] && method === "POST") {
                const fields = parseMultipart(raw, req.headers["content-type"] ?? "");
                if (!fields) return fail(res, 400, "expected multipart/form-data file fields");
                if (invalid(requestSchemas.uploadCertificate(), fields)) return;
                cert.expires_on = "2027-01-01T00:00:00.000Z";
                cert.domain_names = ["uploaded"];
                return respond(res, 200, { certificate: fields.certificate, certificate_key: fields.certificate_key });
            }
            if (method === "GET") return respond(res, 200, cert);
            if (method === "DELETE") {
                certificates.delete(cert.id);
                return respond(res, 200, true);
            }
        }
        return fail(res, 404, "Not Found");
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            try {
                handle(req, Buffer.concat(chunks), res);
            } catch (e) {
                fail(res, 500, e instanceof Error ? e.message : String(e));
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    return {
        url: `http://127.0.0.1:${port}`,
        email,
        get password() {
            return password;
        },
        set password(p: string) {
            password = p;
        },
        hosts,
        certificates,
        requests,
        rejected,
        editHost(id, patch) {
            const host = hosts.get(id);
            if (!host) throw new Error(`no host ${id}`);
            Object.assign(host, patch, { modified_on: now() });
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
