import * as childProcess from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { shQuote } from "./shell";

/**
 * How the workstation reaches the apps' HTTP APIs, none of which is published: every request runs inside the
 * reverse proxy's container, which shares a network with each routed app (and is NPM itself, on 127.0.0.1:81).
 */
export type ApiConnection =
    /**
     * Plain HTTP to APIs the workstation can reach (tests: in-process fakes): NPM's API at `url`, apps at
     * `targets["host:port"]`, and files inside containers as `files[container][path]`.
     */
    | { kind: "http"; url: string; targets?: Record<string, string>; files?: Record<string, Record<string, string>> }
    /** `docker exec` into the proxy container of a local Docker daemon (the dev stack). */
    | { kind: "docker"; dockerHost: string; container: string }
    /** ssh to the host (pinned host key), then `docker exec` into the proxy container. */
    | { kind: "ssh"; host: string; port: number; user: string; sshOpts: string[]; privateKey?: string; container: string };

export interface ApiRequest {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    path: string;
    headers: Record<string, string>;
    body?: Buffer;
    /** The app as the proxy container reaches it; NPM's own API (127.0.0.1:81) when absent. */
    target?: { host: string; port: number };
}

export interface ApiResponse {
    status: number;
    body: string;
}

/**
 * Runs inside the proxy container (NPM's image ships node): reads one request as JSON on stdin, sends it to its
 * target (NPM's API on 127.0.0.1:81 by default) and prints the response as JSON. Credentials and tokens travel on
 * stdin, never in argv. A target that refuses or does not answer exits 3: the caller may wait and retry.
 */
export const IN_CONTAINER_CLIENT = [
    'const http=require("http");let i="";process.stdin.setEncoding("utf8");',
    'process.stdin.on("data",(c)=>{i+=c});process.stdin.on("end",()=>{const r=JSON.parse(i);',
    'const npm={host:"127.0.0.1",port:81};',
    'const q=http.request({host:r.host||npm.host,port:r.port||npm.port,method:r.method,path:r.path,headers:r.headers},(s)=>{const o=[];',
    's.on("data",(c)=>o.push(c));s.on("end",()=>process.stdout.write(JSON.stringify({status:s.statusCode,body:Buffer.concat(o).toString("utf8")})))});',
    'q.on("error",(e)=>{process.stderr.write(String(e));process.exit(3)});q.setTimeout(600000);',
    'if(r.body)q.write(Buffer.from(r.body,"base64"));q.end()})',
].join("");

/** The API could not be reached at all (as opposed to an HTTP error status): worth retrying while the app starts. */
export function unreachable(message: string): Error {
    return Object.assign(new Error(message), { apiUnreachable: true });
}

export function isUnreachable(e: unknown): boolean {
    return typeof e === "object" && e !== null && (e as { apiUnreachable?: boolean }).apiUnreachable === true;
}

/** argv for the exec transports: `argv` run in `container` (the proxy's own client by default); exported for tests. */
export function execArgv(conn: Exclude<ApiConnection, { kind: "http" }>, keyFile?: string, command?: { container: string; argv: string[] }): string[] {
    const inContainer = ["docker", "exec", "-i", command?.container ?? conn.container, ...(command?.argv ?? ["node", "-e", IN_CONTAINER_CLIENT])];
    if (conn.kind === "docker") return ["docker", "-H", conn.dockerHost, ...inContainer.slice(1)];
    return [
        "ssh",
        ...conn.sshOpts,
        "-p", String(conn.port),
        ...(keyFile ? ["-i", keyFile, "-o", "IdentitiesOnly=yes"] : []),
        `${conn.user}@${conn.host}`,
        inContainer.map(shQuote).join(" "),
    ];
}

function viaHttp(conn: Extract<ApiConnection, { kind: "http" }>, req: ApiRequest): Promise<ApiResponse> {
    const key = req.target ? `${req.target.host}:${req.target.port}` : undefined;
    const url = key ? conn.targets?.[key] : conn.url;
    if (!url) return Promise.reject(unreachable(`no route to ${key} in this test connection`));
    return new Promise((resolve, reject) => {
        const q = http.request(new URL(req.path, url), { method: req.method, headers: req.headers, timeout: 600000 }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        });
        q.on("error", (e) => reject(unreachable(`API at ${url}: ${e.message}`)));
        if (req.body) q.write(req.body);
        q.end();
    });
}

/** The multiplexing sockets live in ~/.ssh (see SSH_MULTIPLEX_OPTS): create it, private, when it is missing. */
function ensureSshDir(): void {
    const dir = path.join(os.homedir(), ".ssh");
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { mode: 0o700, recursive: true });
}

/** Runs a command in a container over the connection: its stdout; a failure to run it at all is `unreachable`. */
function runExec(conn: Exclude<ApiConnection, { kind: "http" }>, input: string, command?: { container: string; argv: string[] }): Promise<{ code: number; stdout: string; stderr: string }> {
    if (conn.kind === "ssh") ensureSshDir();
    let keyDir: string | undefined;
    let keyFile: string | undefined;
    if (conn.kind === "ssh" && conn.privateKey) {
        keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-npm-"));
        keyFile = path.join(keyDir, "id");
        fs.writeFileSync(keyFile, conn.privateKey.endsWith("\n") ? conn.privateKey : `${conn.privateKey}\n`, { mode: 0o600 });
    }
    const [cmd, ...args] = execArgv(conn, keyFile, command);
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
        const child = childProcess.spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: process.env });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("error", (e) => reject(unreachable(`${cmd}: ${e.message}`)));
        child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8").trim().slice(0, 500) }));
        child.stdin.end(input);
    }).finally(() => {
        if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    });
}

async function viaExec(conn: Exclude<ApiConnection, { kind: "http" }>, req: ApiRequest): Promise<ApiResponse> {
    const input = JSON.stringify({ method: req.method, path: req.path, headers: req.headers, body: req.body?.toString("base64"), host: req.target?.host, port: req.target?.port });
    const r = await runExec(conn, input);
    if (r.code !== 0) throw unreachable(`exec exited ${r.code}: ${r.stderr}`);
    try {
        return JSON.parse(r.stdout) as ApiResponse;
    } catch {
        throw unreachable(`exec: unexpected output ${r.stdout.slice(0, 200)}`);
    }
}

/**
 * Reads a file inside a container (the Plex token in Plex's Preferences.xml): its text, or undefined when the file
 * does not exist yet. The container not running (or not existing) is `unreachable`.
 */
export async function readInContainer(conn: ApiConnection, container: string, file: string): Promise<string | undefined> {
    if (conn.kind === "http") {
        const files = conn.files?.[container];
        if (!files) throw unreachable(`no container ${container} in this test connection`);
        return files[file];
    }
    // `cat` exits 1 for a missing file; the marker tells that apart from a container that is not running.
    const r = await runExec(conn, "", { container, argv: ["sh", "-c", 'if [ -e "$1" ]; then cat "$1"; else echo monsterr-no-such-file >&2; exit 4; fi', "sh", file] });
    if (r.code === 4 && r.stderr.includes("monsterr-no-such-file")) return undefined;
    if (r.code !== 0) throw unreachable(`reading ${file} in ${container}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
}

/** One HTTP exchange with an app's API (NPM's by default) over the stack's transport. */
export function apiSend(conn: ApiConnection, req: ApiRequest): Promise<ApiResponse> {
    return conn.kind === "http" ? viaHttp(conn, req) : viaExec(conn, req);
}

/** An HTTP error from an app's API, with the status so callers can treat 404 as "gone". */
export function httpError(app: string, status: number, method: string, path: string, body: string): Error {
    return Object.assign(new Error(`${app} API ${method} ${path}: ${status} ${body.slice(0, 300)}`), { status });
}

export function statusOf(e: unknown): number | undefined {
    return typeof e === "object" && e !== null ? (e as { status?: number }).status : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Not answering yet (container starting), or its proxy answering for an app still starting behind it. */
export function stillStarting(e: unknown): boolean {
    return isUnreachable(e) || [502, 503, 504].includes(statusOf(e) ?? 0);
}

/**
 * Runs `attempt` until it succeeds, retrying while the app is still starting (backoff 1 s doubling to 10 s), for
 * at most `waitMs`: an app's first start (database migrations) can take minutes.
 */
export async function whileStarting<T>(attempt: () => Promise<T>, waitMs: number): Promise<T> {
    const started = Date.now();
    for (let n = 0; ; n++) {
        try {
            return await attempt();
        } catch (e) {
            if (!stillStarting(e) || Date.now() - started > waitMs) throw e;
            await sleep(Math.min(1000 * 2 ** n, 10000));
        }
    }
}
