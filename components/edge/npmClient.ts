import * as crypto from "crypto";
import { NpmAccess } from "./npmApi";
import { ApiRequest, apiSend, statusOf, whileStarting } from "../transport";

export { statusOf };

/**
 * An HTTP error from NPM's API, with the status so callers can treat 404 as "gone". NPM answers a failed command
 * (certbot, a DNS plugin) with `500 Internal Error` and keeps the reason in the body's `debug.stack`, whose first
 * lines are the error's message (backend/app.js; it adds `debug` for every certificates route): that reason is
 * what the user needs to see.
 */
export function apiError(status: number, method: string, path: string, body: string): Error {
    let message = body.slice(0, 300);
    let cause: string | undefined;
    try {
        const parsed = JSON.parse(body) as { error?: { message?: string }; debug?: { stack?: unknown } };
        message = parsed?.error?.message ?? message;
        cause = causeOf(parsed?.debug?.stack);
    } catch {
        // not JSON: keep the raw text
    }
    const text = `NPM API ${method} ${path}: ${status} ${message}${cause && cause !== message ? `\n  cause: ${cause.replace(/\n/g, "\n  ")}` : ""}`;
    return Object.assign(new Error(text), { status });
}

/** The message lines of a serialized stack (everything before the first `at` frame), without the error's type. */
function causeOf(stack: unknown): string | undefined {
    if (!Array.isArray(stack)) return undefined;
    const lines: string[] = [];
    for (const line of stack) {
        if (typeof line !== "string" || /^\s+at /.test(line)) break;
        lines.push(line);
    }
    const text = lines.join("\n").replace(/^\w*Error: /, "").trim();
    return text ? text.slice(0, 2000) : undefined;
}

export interface NpmSession {
    access: NpmAccess;
    token: string;
}

/**
 * Logs in as the first admin; on a first `pulumi up` the proxy container has only just been created, so it waits
 * while its nginx answers 502 (the API behind it listens once migrations and the first admin are done).
 */
export async function login(access: NpmAccess, waitMs = 180000): Promise<NpmSession> {
    return whileStarting(async () => {
        const res = await apiSend(access.connection, jsonRequest("POST", "/api/tokens", undefined, { identity: access.email, secret: access.password }));
        if (res.status !== 200) throw apiError(res.status, "POST", "/api/tokens", res.body);
        const body = JSON.parse(res.body) as { token?: string; requires_2fa?: boolean };
        if (!body.token) throw new Error("NPM asks for a second factor on the admin login: Monsterr's admin account must not use NPM 2FA (Authelia guards the UI)");
        return { access, token: body.token };
    }, waitMs);
}

function jsonRequest(method: ApiRequest["method"], path: string, token: string | undefined, json?: unknown): ApiRequest {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (json === undefined) return { method, path, headers };
    const body = Buffer.from(JSON.stringify(json), "utf8");
    return { method, path, headers: { ...headers, "Content-Type": "application/json", "Content-Length": String(body.length) }, body };
}

/** A JSON API call; any status outside 2xx throws an error carrying the status. */
export async function call<T = any>(s: NpmSession, method: ApiRequest["method"], path: string, json?: unknown): Promise<T> {
    const res = await apiSend(s.access.connection, jsonRequest(method, path, s.token, json));
    if (res.status < 200 || res.status > 299) throw apiError(res.status, method, path, res.body);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
}

/** `multipart/form-data` upload of text fields (custom certificate files). */
export async function upload<T = any>(s: NpmSession, path: string, fields: Record<string, string>): Promise<T> {
    const boundary = `monsterr-${crypto.randomBytes(12).toString("hex")}`;
    const parts = Object.entries(fields).map(
        ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.pem"\r\nContent-Type: application/x-pem-file\r\n\r\n${value}\r\n`,
    );
    const body = Buffer.from(`${parts.join("")}--${boundary}--\r\n`, "utf8");
    const res = await apiSend(s.access.connection, {
        method: "POST",
        path,
        headers: { Accept: "application/json", Authorization: `Bearer ${s.token}`, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(body.length) },
        body,
    });
    if (res.status < 200 || res.status > 299) throw apiError(res.status, "POST", path, res.body);
    return JSON.parse(res.body) as T;
}
