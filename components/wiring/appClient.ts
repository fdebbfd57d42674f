import { ApiConnection, ApiRequest, apiSend, httpError, whileStarting } from "../transport";

/**
 * Everything one link's provider needs to reach one app's API: the transport (through the proxy container, which
 * shares a network with every routed app), the app as that container reaches it, and its credentials as headers.
 * A Pulumi secret as a whole.
 */
export interface AppAccess {
    connection: ApiConnection;
    /** The catalog name, for messages. */
    app: string;
    target: { host: string; port: number };
    /** Credentials (an API key header, a bearer token); `{}` for calls that log in first. */
    headers: Record<string, string>;
}

/**
 * How long a link waits for an app that is not answering yet: a first start runs database migrations (the *arr
 * apps, Seerr) or clones its code (Organizr), which can take minutes on a small host.
 */
export const APP_START_WAIT_MS = 5 * 60 * 1000;

export interface AppReply {
    status: number;
    body: string;
}

/** One request; statuses outside 2xx throw an error carrying the status (404 means "gone" to the providers). */
export async function appRequest(a: AppAccess, method: ApiRequest["method"], path: string, body?: { type: string; data: Buffer }, extra: Record<string, string> = {}): Promise<AppReply> {
    const headers: Record<string, string> = { Accept: "application/json", ...a.headers, ...extra };
    if (body) Object.assign(headers, { "Content-Type": body.type, "Content-Length": String(body.data.length) });
    return whileStarting(async () => {
        const res = await apiSend(a.connection, { method, path, headers, ...(body ? { body: body.data } : {}), target: a.target });
        if (res.status < 200 || res.status > 299) throw httpError(a.app, res.status, method, path, res.body);
        return res;
    }, APP_START_WAIT_MS);
}

/** A JSON call: the body sent as JSON, the answer parsed (undefined when empty). */
export async function appJson<T = any>(a: AppAccess, method: ApiRequest["method"], path: string, json?: unknown, extra?: Record<string, string>): Promise<T> {
    const body = json === undefined ? undefined : { type: "application/json", data: Buffer.from(JSON.stringify(json), "utf8") };
    const res = await appRequest(a, method, path, body, extra);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
}

/** A form post (`application/x-www-form-urlencoded`); repeated keys for list values. */
export async function appForm(a: AppAccess, path: string, fields: [string, string][], extra?: Record<string, string>): Promise<AppReply> {
    const data = Buffer.from(new URLSearchParams(fields).toString(), "utf8");
    return appRequest(a, "POST", path, { type: "application/x-www-form-urlencoded", data }, extra);
}
