/**
 * Stand-ins for Audiobookshelf 2.36 and Organizr v2, each following its source where the wiring depends on it.
 * Audiobookshelf (advplyr/audiobookshelf server/Server.js, Auth.js, LibraryController.js): `POST /init` only while no
 * root exists (500 after), `POST /login` giving an access token, libraries behind `Authorization: Bearer`, request
 * bodies validated against its OpenAPI spec where it has the path. Organizr (causefx/Organizr v2-master): status
 * `wizard` until the wizard ran, the wizard with no login and no "already set up" check, tabs behind the `Token`
 * header (20 characters), a duplicate tab name 409, new tabs hidden unless `enabled` is sent.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import addFormats from "ajv-formats";
import Ajv from "ajv";
import * as yaml from "js-yaml";
import { upstreamSchemas } from "./upstreamSchemas";

type Reply = (status: number, body?: unknown) => void;

abstract class FakeHttp {
    readonly calls: { method: string; path: string }[] = [];
    readonly rejected: string[] = [];
    private server?: http.Server;
    url = "";

    /** Requests that change something: not reads, and not a login (which only hands out a token). */
    get writes() {
        return this.calls.filter((c) => c.method !== "GET" && c.path !== "/login");
    }

    protected abstract handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: any, reply: Reply): void;

    async listen(): Promise<string> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const url = new URL(req.url ?? "/", "http://x");
                this.calls.push({ method: req.method ?? "GET", path: url.pathname });
                const text = Buffer.concat(chunks).toString("utf8");
                const reply: Reply = (status, body) => res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
                try {
                    this.handle(req.method ?? "GET", url, req.headers, text ? JSON.parse(text) : undefined, reply);
                } catch (e) {
                    reply(500, { error: String(e) });
                }
            });
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
        return this.url;
    }

    close(): Promise<void> {
        return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
    }
}

/** OpenAPI 3.0 `nullable` as JSON Schema (see fakeArr.ts). */
function jsonSchema(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(jsonSchema);
    if (typeof node !== "object" || node === null) return node;
    const { nullable, ...rest } = node as Record<string, unknown>;
    const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchema(v)]));
    if (nullable !== true) return out;
    return typeof out.type === "string" ? { ...out, type: [out.type, "null"] } : { anyOf: [out, { type: "null" }] };
}

let absAjv: Ajv | undefined;
function absBody(route: string, method: string, body: unknown): string | undefined {
    if (!absAjv) {
        absAjv = new Ajv({ strict: false, allErrors: true });
        addFormats(absAjv);
        const spec = JSON.parse(fs.readFileSync(path.join(upstreamSchemas("arr-openapi"), "audiobookshelf.json"), "utf8"));
        absAjv.addSchema({ $id: "abs", components: jsonSchema(spec.components), paths: jsonSchema(spec.paths) });
    }
    const v = absAjv.getSchema(`abs#/paths/${route.replace(/\//g, "~1")}/${method}/requestBody/content/application~1json/schema`);
    if (!v) return `${method.toUpperCase()} ${route} has no JSON body in the spec`;
    return v(body) ? undefined : absAjv.errorsText(v.errors);
}

export class FakeAudiobookshelf extends FakeHttp {
    root?: { username: string; password: string };
    readonly libraries = new Map<string, Record<string, any>>();
    private tokens = new Set<string>();
    private next = 1;

    protected handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: any, reply: Reply): void {
        const p = url.pathname;
        if (method === "GET" && p === "/status") return reply(200, { app: "audiobookshelf", serverVersion: "2.36.0", isInit: !!this.root });
        if (method === "POST" && p === "/init") {
            if (this.root) return reply(500, "Server already initialized");
            this.root = { username: body.newRoot.username || "root", password: body.newRoot.password };
            return reply(200);
        }
        if (method === "POST" && p === "/login") {
            if (!this.root || body?.username !== this.root.username || body?.password !== this.root.password) return reply(401);
            const token = `token-${this.next++}`;
            this.tokens.add(token);
            return reply(200, { user: { id: "root", username: this.root.username, accessToken: token } });
        }
        if (!this.tokens.has(String(headers.authorization ?? "").replace(/^Bearer /, ""))) return reply(401);
        if (method === "PATCH" && p === "/api/me/password") {
            if (body.password !== this.root!.password) return reply(400, "Invalid password");
            this.root!.password = body.newPassword;
            return reply(200, { success: true });
        }
        const m = /^\/api\/libraries(?:\/([\w-]+))?$/.exec(p);
        if (!m) return reply(404);
        const id = m[1];
        const route = id ? "/api/libraries/{id}" : "/api/libraries";
        if (method === "POST" || method === "PATCH") {
            const err = absBody(route, method.toLowerCase(), body);
            if (err) {
                this.rejected.push(`${method} ${route}: ${err}`);
                return reply(400, err);
            }
        }
        if (method === "GET" && !id) return reply(200, { libraries: [...this.libraries.values()] });
        if (method === "POST" && !id) {
            const lib = { id: `lib_${this.next++}`, name: body.name, mediaType: body.mediaType ?? "book", folders: body.folders.map((f: { fullPath: string }, i: number) => ({ id: `fol_${i}`, fullPath: f.fullPath })) };
            this.libraries.set(lib.id, lib);
            return reply(200, lib);
        }
        const lib = id ? this.libraries.get(id) : undefined;
        if (!lib) return reply(404, "Library not found");
        if (method === "GET") return reply(200, lib);
        if (method === "DELETE") {
            this.libraries.delete(id!);
            return reply(200, lib);
        }
        if (method === "PATCH") {
            Object.assign(lib, { ...(body.name ? { name: body.name } : {}), ...(body.folders ? { folders: body.folders.map((f: { fullPath: string }, i: number) => ({ id: `fol_${i}`, fullPath: f.fullPath })) } : {}) });
            return reply(200, lib);
        }
        return reply(404);
    }
}

export class FakeOrganizr extends FakeHttp {
    config?: Record<string, string>;
    readonly tabs = new Map<number, Record<string, any>>();
    wizardRuns = 0;
    private next = 1;

    protected handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: any, reply: Reply): void {
        const p = url.pathname;
        const ok = (data: unknown) => reply(200, { response: { result: "success", message: null, data } });
        if (method === "GET" && p === "/api/v2/status") return ok({ action: this.config ? "launch" : "wizard" });
        if (method === "POST" && p === "/api/v2/wizard") {
            for (const k of ["license", "hashKey", "api", "registrationPassword", "username", "password", "email", "dbName", "dbPath"]) if (!body?.[k]) return reply(422, { response: { result: "error", message: `[${k}] cannot be empty` } });
            this.wizardRuns++;
            this.config = body;
            this.tabs.clear();
            return ok(true);
        }
        const token = String(headers.token ?? "");
        if (!this.config || token.length !== 20 || token !== this.config.api) return reply(401, { response: { result: "error", message: "Unauthorized" } });
        const m = /^\/api\/v2\/tabs(?:\/(\d+))?$/.exec(p);
        if (!m) return reply(404);
        const id = m[1] ? Number(m[1]) : undefined;
        if (method === "GET" && id === undefined) return ok({ tabs: [...this.tabs.values()], categories: [], groups: [] });
        if (method === "POST" && id === undefined) {
            if (!body.name || !(body.url || body.url_local) || !body.image) return reply(422, { response: { result: "error", message: "missing" } });
            if ([...this.tabs.values()].some((t) => t.name === body.name)) return reply(409, { response: { result: "error", message: "Tab name already used" } });
            const tab = { id: this.next++, order: this.tabs.size + 1, category_id: 0, group_id: 4, enabled: 0, default: 0, type: 1, ...body };
            this.tabs.set(tab.id, tab);
            return ok("Tab added");
        }
        const tab = id !== undefined ? this.tabs.get(id) : undefined;
        if (!tab) return reply(404, { response: { result: "error", message: "Tab not found" } });
        if (method === "GET") return ok(tab);
        if (method === "PUT") {
            Object.assign(tab, body);
            return ok("Tab updated");
        }
        if (method === "DELETE") {
            this.tabs.delete(id!);
            return ok("Tab deleted");
        }
        return reply(405);
    }
}

let seerrAjv: Ajv | undefined;
function seerrBody(schemaName: string, body: unknown): string | undefined {
    if (!seerrAjv) {
        seerrAjv = new Ajv({ strict: false, allErrors: true });
        addFormats(seerrAjv);
        const spec = yaml.load(fs.readFileSync(path.join(upstreamSchemas("arr-openapi"), "seerr.yml"), "utf8")) as { components: unknown };
        seerrAjv.addSchema({ $id: "seerr", components: jsonSchema(spec.components) });
    }
    const v = seerrAjv.getSchema(`seerr#/components/schemas/${schemaName}`)!;
    return v(body) ? undefined : seerrAjv.errorsText(v.errors);
}

/**
 * Seerr (seerr-team/seerr): `X-Api-Key` acts as user 1, which exists only after the first sign-in, so every
 * `/api/v1/settings/*` call answers 403 until `admin` is set; servers are stored as sent (checked against
 * seerr-api.yml), numbered from 0.
 */
export class FakeSeerr extends FakeHttp {
    admin = false;
    readonly servers: Record<"sonarr" | "radarr", Record<string, any>[]> = { sonarr: [], radarr: [] };

    constructor(readonly apiKey: string) {
        super();
    }

    protected handle(method: string, url: URL, headers: http.IncomingHttpHeaders, body: any, reply: Reply): void {
        if (headers["x-api-key"] !== this.apiKey) return reply(401);
        const m = /^\/api\/v1\/settings\/(sonarr|radarr)(?:\/(\d+))?$/.exec(url.pathname);
        if (!m) return reply(404);
        if (!this.admin) return reply(403, { message: "You do not have permission to access this endpoint" });
        const app = m[1] as "sonarr" | "radarr";
        const list = this.servers[app];
        const id = m[2] !== undefined ? Number(m[2]) : undefined;
        if (method === "POST" || method === "PUT") {
            const err = seerrBody(app === "sonarr" ? "SonarrSettings" : "RadarrSettings", body);
            if (err) {
                this.rejected.push(`${method} ${url.pathname}: ${err}`);
                return reply(400, { message: err });
            }
        }
        if (method === "GET" && id === undefined) return reply(200, list);
        if (method === "POST" && id === undefined) {
            const stored = { ...body, id: list.length ? Math.max(...list.map((s) => s.id)) + 1 : 0 };
            list.push(stored);
            return reply(201, stored);
        }
        const i = list.findIndex((s) => s.id === id);
        if (i < 0) return reply(404);
        if (method === "PUT") {
            list[i] = { ...body, id };
            return reply(200, list[i]);
        }
        if (method === "DELETE") return reply(200, list.splice(i, 1)[0]);
        return reply(405);
    }
}
