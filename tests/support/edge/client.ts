import * as http2 from "http2";
import * as net from "net";
import * as tls from "tls";

export interface RawResponse {
    status: number;
    headers: Record<string, string>;
    body: string;
}

export interface RawRequest {
    port: number;
    /** TLS with this SNI (`null`: TLS without SNI); omitted: plain HTTP. */
    sni?: string | null;
    /** The request bytes exactly as sent: request line, headers, body. */
    text: string;
}

/** Sends bytes exactly as given (any request line, any Host) and reads the answer until the server closes. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const onConnect = () => socket.write(r.text);
        const socket: net.Socket =
            r.sni === undefined
                ? net.connect(r.port, "127.0.0.1", onConnect)
                : tls.connect({ host: "127.0.0.1", port: r.port, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"], ...(r.sni === null ? {} : { servername: r.sni }) }, onConnect);
        socket.setTimeout(10_000, () => socket.destroy(new Error("timeout")));
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("error", (e: NodeJS.ErrnoException) => {
            // A refused TLS handshake or a closed connection (nginx 444) answers with nothing: no app was reached.
            if (e.code === "ECONNRESET" || /alert|handshake|socket hang up/i.test(e.message)) resolve({ status: 0, headers: {}, body: e.message });
            else reject(e);
        });
        socket.on("end", () => resolve(parse(Buffer.concat(chunks).toString("latin1"))));
    });
}

function parse(raw: string): RawResponse {
    if (!raw) return { status: 0, headers: {}, body: "" };
    const split = raw.indexOf("\r\n\r\n");
    const head = split < 0 ? raw : raw.slice(0, split);
    const [statusLine, ...lines] = head.split("\r\n");
    const headers: Record<string, string> = {};
    for (const l of lines) {
        const i = l.indexOf(":");
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status: Number(statusLine.split(" ")[1] ?? 0), headers, body: split < 0 ? "" : raw.slice(split + 4) };
}

/** A GET as a browser sends it: origin-form request line, the given Host, Connection: close. */
export function get(target: string, host: string, extra: Record<string, string> = {}): string {
    const headers = { Host: host, "User-Agent": "monsterr-attack-test", Accept: "*/*", ...extra, Connection: "close" };
    return `GET ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`;
}

/** One HTTP/2 request over TLS with the given SNI and pseudo-headers (and, if given, a conflicting `host`). */
export function h2Request(port: number, sni: string, headers: http2.OutgoingHttpHeaders): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const session = http2.connect(`https://127.0.0.1:${port}`, { servername: sni, rejectUnauthorized: false });
        session.on("error", reject);
        const req = session.request({ ":method": "GET", ...headers });
        const chunks: Buffer[] = [];
        let status = 0;
        const out: Record<string, string> = {};
        req.on("response", (h) => {
            status = Number(h[":status"]);
            for (const [k, v] of Object.entries(h)) if (!k.startsWith(":")) out[k] = String(v);
        });
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            session.close();
            resolve({ status, headers: out, body: Buffer.concat(chunks).toString() });
        });
        req.on("error", (e) => {
            session.close();
            reject(e);
        });
        req.end();
    });
}
