import * as childProcess from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { shQuote } from "../shell";
import { NpmConnection } from "./npmApi";

export interface NpmRequest {
    method: "GET" | "POST" | "PUT" | "DELETE";
    path: string;
    headers: Record<string, string>;
    body?: Buffer;
}

export interface NpmResponse {
    status: number;
    body: string;
}

/**
 * Runs inside the proxy container (NPM's image ships node): reads one request as JSON on stdin, sends it to
 * 127.0.0.1:81 and prints the response as JSON. Credentials and tokens travel on stdin, never in argv.
 */
export const IN_CONTAINER_CLIENT = [
    'const http=require("http");let i="";process.stdin.setEncoding("utf8");',
    'process.stdin.on("data",(c)=>{i+=c});process.stdin.on("end",()=>{const r=JSON.parse(i);',
    'const q=http.request({host:"127.0.0.1",port:81,method:r.method,path:r.path,headers:r.headers},(s)=>{const o=[];',
    's.on("data",(c)=>o.push(c));s.on("end",()=>process.stdout.write(JSON.stringify({status:s.statusCode,body:Buffer.concat(o).toString("utf8")})))});',
    'q.on("error",(e)=>{process.stderr.write(String(e));process.exit(3)});q.setTimeout(600000);',
    'if(r.body)q.write(Buffer.from(r.body,"base64"));q.end()})',
].join("");

/** The API could not be reached at all (as opposed to an HTTP error status): worth retrying while NPM starts. */
export function unreachable(message: string): Error {
    return Object.assign(new Error(message), { npmUnreachable: true });
}

export function isUnreachable(e: unknown): boolean {
    return typeof e === "object" && e !== null && (e as { npmUnreachable?: boolean }).npmUnreachable === true;
}

/** argv for the exec transports; exported for tests of the command shape. */
export function execArgv(conn: Exclude<NpmConnection, { kind: "http" }>, keyFile?: string): string[] {
    const inContainer = ["docker", "exec", "-i", conn.container, "node", "-e", IN_CONTAINER_CLIENT];
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

function viaHttp(url: string, req: NpmRequest): Promise<NpmResponse> {
    return new Promise((resolve, reject) => {
        const q = http.request(new URL(req.path, url), { method: req.method, headers: req.headers, timeout: 600000 }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        });
        q.on("error", (e) => reject(unreachable(`NPM API at ${url}: ${e.message}`)));
        if (req.body) q.write(req.body);
        q.end();
    });
}

/** The multiplexing sockets live in ~/.ssh (see SSH_MULTIPLEX_OPTS): create it, private, when it is missing. */
function ensureSshDir(): void {
    const dir = path.join(os.homedir(), ".ssh");
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { mode: 0o700, recursive: true });
}

function viaExec(conn: Exclude<NpmConnection, { kind: "http" }>, req: NpmRequest): Promise<NpmResponse> {
    if (conn.kind === "ssh") ensureSshDir();
    let keyDir: string | undefined;
    let keyFile: string | undefined;
    if (conn.kind === "ssh" && conn.privateKey) {
        keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-npm-"));
        keyFile = path.join(keyDir, "id");
        fs.writeFileSync(keyFile, conn.privateKey.endsWith("\n") ? conn.privateKey : `${conn.privateKey}\n`, { mode: 0o600 });
    }
    const [cmd, ...args] = execArgv(conn, keyFile);
    const input = JSON.stringify({ method: req.method, path: req.path, headers: req.headers, body: req.body?.toString("base64") });
    return new Promise<NpmResponse>((resolve, reject) => {
        const child = childProcess.spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: process.env });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("error", (e) => reject(unreachable(`${cmd}: ${e.message}`)));
        child.on("close", (code) => {
            const text = Buffer.concat(out).toString("utf8");
            if (code !== 0) return reject(unreachable(`${cmd} exited ${code}: ${Buffer.concat(err).toString("utf8").trim().slice(0, 500)}`));
            try {
                resolve(JSON.parse(text) as NpmResponse);
            } catch {
                reject(unreachable(`${cmd}: unexpected output ${text.slice(0, 200)}`));
            }
        });
        child.stdin.end(input);
    }).finally(() => {
        if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    });
}

/** One HTTP exchange with NPM's API over the stack's transport. */
export function npmSend(conn: NpmConnection, req: NpmRequest): Promise<NpmResponse> {
    return conn.kind === "http" ? viaHttp(conn.url, req) : viaExec(conn, req);
}
