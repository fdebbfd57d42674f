/**
 * A stand-in for Bazarr's settings API (morpheus65535/bazarr bazarr/api/system/settings.py, app/config.py): form
 * posts of `settings-<section>-<key>`, cast as Bazarr casts them (every value but a few string keys through int(),
 * then "true"/"false" to booleans), checked against the types of its validators (406 on a mismatch, as Bazarr
 * answers), 204 on success; GET returns every section in clear. Auth: X-API-KEY.
 */
import * as http from "http";

const STR_KEYS = ["chmod", "log_include_filter", "log_exclude_filter", "password", "f_password", "hashed_password"];
const TYPES: Record<string, "str" | "int" | "bool"> = { ip: "str", port: "int", base_url: "str", ssl: "bool", apikey: "str", use_sonarr: "bool", use_radarr: "bool" };

export class FakeBazarr {
    readonly settings: Record<string, Record<string, unknown>>;
    readonly calls: { method: string; path: string }[] = [];
    private server?: http.Server;
    url = "";

    constructor(readonly apiKey: string) {
        this.settings = {
            general: { use_sonarr: false, use_radarr: false },
            sonarr: { ip: "127.0.0.1", port: 8989, base_url: "/", ssl: false, apikey: "" },
            radarr: { ip: "127.0.0.1", port: 7878, base_url: "/", ssl: false, apikey: "" },
            auth: { apikey: apiKey, type: null },
        };
    }

    get writes() {
        return this.calls.filter((c) => c.method !== "GET");
    }

    async listen(): Promise<string> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", (): void => {
                this.calls.push({ method: req.method ?? "GET", path: req.url ?? "/" });
                if (req.headers["x-api-key"] !== this.apiKey) return void res.writeHead(401).end();
                if (req.url !== "/api/system/settings") return void res.writeHead(404).end();
                if (req.method === "GET") return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(this.settings));
                if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) return void res.writeHead(415).end();
                const staged: [string, string, unknown][] = [];
                for (const [key, raw] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) {
                    const [, section, name] = key.split("-");
                    let value: unknown = raw;
                    if (!STR_KEYS.includes(name) && /^-?\d+$/.test(raw)) value = Number(raw);
                    if (value === "true") value = true;
                    else if (value === "false") value = false;
                    const type = TYPES[name];
                    const ok = type === undefined || (type === "str" ? typeof value === "string" : type === "int" ? Number.isInteger(value) : typeof value === "boolean");
                    if (!ok) return void res.writeHead(406).end(`${section}.${name} must be ${type}`);
                    staged.push([section, name, value]);
                }
                for (const [section, name, value] of staged) (this.settings[section] ??= {})[name] = value;
                res.writeHead(204).end();
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
