/**
 * In-process stand-ins for the *arr apps' REST APIs (Sonarr, Radarr, Lidarr, Readarr/Bookshelf, Prowlarr), for the
 * wiring providers' contract and CRUD tests. Every request body is validated against the app's own OpenAPI spec
 * (../shared/schemas/arr-openapi, strict: `additionalProperties: false`) and every object returned against its
 * response schema. It behaves as the apps do where the providers depend on it: `X-Api-Key` required, secrets
 * masked as `********` on read (and kept when a PUT sends the mask), an enabled provider object tested on POST even
 * with forceSave (400 while its other end is down), PUT with forceSave untested, root folders only for existing
 * paths, 404 for an unknown id.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import addFormats from "ajv-formats";
import Ajv, { ValidateFunction } from "ajv";
import { upstreamSchemas } from "./upstreamSchemas";

export type FakeArrApp = "sonarr" | "radarr" | "lidarr" | "readarr" | "prowlarr";

const SPEC_FILE: Record<FakeArrApp, string> = { sonarr: "sonarr.json", radarr: "radarr.json", lidarr: "lidarr.json", readarr: "bookshelf.json", prowlarr: "prowlarr.json" };
const BASE: Record<FakeArrApp, string> = { sonarr: "/api/v3", radarr: "/api/v3", lidarr: "/api/v1", readarr: "/api/v1", prowlarr: "/api/v1" };
/** Field names the apps treat as secrets (privacy: password / apiKey). */
const SECRET_FIELDS = ["password", "apiKey"];
const MASK = "********";

/** OpenAPI 3.0's `nullable` as JSON Schema: `type: [t, "null"]`, or any-of null beside a `$ref`. */
function jsonSchema(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(jsonSchema);
    if (typeof node !== "object" || node === null) return node;
    const { nullable, ...rest } = node as Record<string, unknown>;
    const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchema(v)]));
    if (nullable !== true) return out;
    if (typeof out.type === "string") return { ...out, type: [out.type, "null"], ...(Array.isArray(out.enum) ? { enum: [...out.enum, null] } : {}) };
    return { anyOf: [out, { type: "null" }] };
}

const ajvs = new Map<FakeArrApp, Ajv>();
function ajvFor(app: FakeArrApp): Ajv {
    let a = ajvs.get(app);
    if (!a) {
        a = new Ajv({ strict: false, allErrors: true });
        addFormats(a);
        const spec = JSON.parse(fs.readFileSync(path.join(upstreamSchemas("arr-openapi"), SPEC_FILE[app]), "utf8"));
        a.addSchema({ $id: "spec", components: jsonSchema(spec.components), paths: jsonSchema(spec.paths) });
        ajvs.set(app, a);
    }
    return a;
}

function schema(app: FakeArrApp, name: string): ValidateFunction {
    const v = ajvFor(app).getSchema(`spec#/components/schemas/${name}`);
    if (!v) throw new Error(`${app}: no schema ${name}`);
    return v;
}

/** The request schema of an operation, straight from the spec's paths (so a path or method the app lacks fails). */
export function requestSchema(app: FakeArrApp, route: string, method: string): ValidateFunction {
    const pointer = `spec#/paths/${route.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}/requestBody/content/application~1json/schema`;
    const v = ajvFor(app).getSchema(pointer);
    if (!v) throw new Error(`${app}: ${method.toUpperCase()} ${route} takes no JSON body in its OpenAPI spec`);
    return v;
}

const RESOURCE_SCHEMA: Record<string, string> = { downloadclient: "DownloadClientResource", applications: "ApplicationResource", rootfolder: "RootFolderResource" };

export interface ArrCall {
    method: string;
    path: string;
}

export class FakeArr {
    readonly objects = new Map<string, Map<number, Record<string, any>>>([["downloadclient", new Map()], ["applications", new Map()], ["rootfolder", new Map()]]);
    readonly calls: ArrCall[] = [];
    /** Bodies the spec rejected and answers that broke it: a correct client against a correct fake produces none. */
    readonly rejected: string[] = [];
    /** Hosts a connection test can reach (`host:port`); an enabled object pointing elsewhere fails on POST. */
    readonly reachable = new Set<string>();
    /** Paths that exist in the app's container (a root folder must point at one). */
    readonly existingPaths = new Set<string>();
    private nextId = 1;
    private server?: http.Server;
    url = "";

    constructor(
        readonly app: FakeArrApp,
        readonly apiKey: string,
    ) {}

    get writes(): ArrCall[] {
        return this.calls.filter((c) => c.method !== "GET");
    }

    async listen(): Promise<string> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const reply = (status: number, body?: unknown) => {
                    res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
                };
                try {
                    this.handle(req.method ?? "GET", new URL(req.url ?? "/", "http://x"), req.headers, Buffer.concat(chunks).toString("utf8"), reply);
                } catch (e) {
                    reply(500, { message: String(e) });
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

    /** Changes an object the way a person would in the app's UI. */
    edit(resource: string, id: number, patch: (o: Record<string, any>) => void): void {
        patch(this.objects.get(resource)!.get(id)!);
    }

    private handle(method: string, url: URL, headers: http.IncomingHttpHeaders, text: string, reply: (s: number, b?: unknown) => void): void {
        this.calls.push({ method, path: `${url.pathname}${url.search}` });
        if (headers["x-api-key"] !== this.apiKey) return reply(401);
        const base = BASE[this.app];
        const m = new RegExp(`^${base}/(downloadclient|applications|rootfolder)(?:/(\\d+))?$`).exec(url.pathname);
        if (!m) return reply(404);
        const [, resource, idText] = m;
        if ((resource === "applications") !== (this.app === "prowlarr")) return reply(404);
        const store = this.objects.get(resource)!;
        const route = `${base}/${resource}${idText ? "/{id}" : ""}`;
        const id = idText ? Number(idText) : undefined;
        let body: Record<string, any> | undefined;
        if (method === "POST" || method === "PUT") {
            body = JSON.parse(text);
            const v = requestSchema(this.app, route, method.toLowerCase());
            if (!v(body)) {
                this.rejected.push(`${method} ${route}: ${ajvFor(this.app).errorsText(v.errors)}`);
                return reply(400, [{ errorMessage: "schema" }]);
            }
        }
        const out = (o: Record<string, any>) => {
            const shown = this.mask(resource, o);
            const v = schema(this.app, RESOURCE_SCHEMA[resource]);
            if (!v(shown)) this.rejected.push(`answer ${route}: ${ajvFor(this.app).errorsText(v.errors)}`);
            return shown;
        };
        if (method === "GET" && id === undefined) return reply(200, [...store.values()].map(out));
        if (method === "GET") return store.has(id!) ? reply(200, out(store.get(id!)!)) : reply(404);
        if (method === "DELETE") return store.delete(id!) ? reply(200) : reply(404);
        if (resource === "rootfolder") return this.rootFolder(method, id, body!, reply, out);
        const forceSave = url.searchParams.get("forceSave") === "true";
        const enabled = resource === "applications" ? body!.syncLevel !== "disabled" : body!.enable === true;
        if (method === "POST") {
            if ([...store.values()].some((o) => o.name === body!.name)) return reply(400, [{ propertyName: "Name", errorMessage: "Should be unique" }]);
            if (enabled && !this.testPasses(body!)) return reply(400, [{ errorMessage: "Unable to connect" }]);
            const created = { ...body!, id: this.nextId++ };
            store.set(created.id, created);
            return reply(201, out(created));
        }
        if (!store.has(id!)) return reply(404);
        if (enabled && !forceSave && !this.testPasses(body!)) return reply(400, [{ errorMessage: "Unable to connect" }]);
        const old = store.get(id!)!;
        const fields = (body!.fields ?? []).map((f: { name: string; value: unknown }) => (f.value === MASK ? old.fields.find((o: { name: string }) => o.name === f.name) ?? f : f));
        const updated = { ...body!, fields, id };
        store.set(id!, updated);
        return reply(202, out(updated));
    }

    private rootFolder(method: string, id: number | undefined, body: Record<string, any>, reply: (s: number, b?: unknown) => void, out: (o: Record<string, any>) => unknown): void {
        const store = this.objects.get("rootfolder")!;
        if (method === "PUT" && (this.app === "sonarr" || this.app === "radarr")) return reply(405);
        if (!this.existingPaths.has(body.path)) return reply(400, [{ propertyName: "Path", errorMessage: "Folder does not exist" }]);
        if ((this.app === "lidarr" || this.app === "readarr") && (!body.name || !body.defaultQualityProfileId || !body.defaultMetadataProfileId)) return reply(400, [{ errorMessage: "name and default profiles are required" }]);
        if (method === "POST") {
            if ([...store.values()].some((o) => o.path === body.path)) return reply(400, [{ propertyName: "Path", errorMessage: "Path is already configured as a root folder" }]);
            const created = { ...body, id: this.nextId++, accessible: true, freeSpace: 1e12 };
            store.set(created.id, created);
            return reply(201, out(created));
        }
        if (!store.has(id!)) return reply(404);
        const updated = { ...store.get(id!)!, ...body, id };
        store.set(id!, updated);
        return reply(202, out(updated));
    }

    private testPasses(body: Record<string, any>): boolean {
        const field = (n: string) => (body.fields ?? []).find((f: { name: string }) => f.name === n)?.value;
        const target = body.implementation === "QBittorrent" || body.implementation === "Nzbget" ? `${field("host")}:${field("port")}` : String(field("baseUrl") ?? "").replace(/^https?:\/\//, "");
        return this.reachable.has(target);
    }

    private mask(resource: string, o: Record<string, any>): Record<string, any> {
        if (resource === "rootfolder") return { ...o };
        return { ...o, fields: (o.fields ?? []).map((f: { name: string; value: unknown }) => (SECRET_FIELDS.includes(f.name) && f.value ? { ...f, value: MASK } : f)) };
    }
}
