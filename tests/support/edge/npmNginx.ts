import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AUTHELIA_URL } from "../../../components/edge/proxyHosts";
import { EDGE_ACCESS_LOG } from "../../../components/edge/authSnippet";
import { EDGE_TIMING_LOG, httpTopConf, TIMING_LOG_IN_DATA } from "../../../components/edge/accessMetrics";
import { freePort } from "../binaries";

export const NGINX = "/usr/sbin/nginx";

/**
 * NPM's access log formats (jc21/nginx-proxy-manager v2.15.1, docker/rootfs/etc/nginx/conf.d/include/log-proxy.conf),
 * as recorded in ../shared/reference/service-facts.md.
 */
export const NPM_LOG_FORMATS = {
    proxy: '[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer"',
    standard: '[$time_local] $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] "$http_user_agent" "$http_referer"',
};

export interface PlannedProxyHost {
    domainNames: string[];
    forwardScheme: string;
    forwardHost: unknown;
    forwardPort: number;
    advancedConfig: string;
}

export interface AppRequest {
    host: string;
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
}

/** Every app behind the proxy, as one upstream that records what reaches it. */
export class FakeApps {
    readonly requests: AppRequest[] = [];
    private server?: http.Server;

    async listen(): Promise<number> {
        this.server = http.createServer((req, res) => {
            this.requests.push({ host: String(req.headers.host), method: req.method ?? "", url: req.url ?? "", headers: req.headers });
            req.resume();
            // `?monsterr-status=503&monsterr-delay=300`: the app answers with that status, that late.
            const q = new URL(req.url ?? "/", "http://app").searchParams;
            const status = Number(q.get("monsterr-status") ?? 200);
            const delay = Number(q.get("monsterr-delay") ?? 0);
            req.on("end", () => setTimeout(() => res.writeHead(status, { "Content-Type": "text/plain" }).end("monsterr-fake-app\n"), delay));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return (this.server.address() as { port: number }).port;
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }
}

export interface EdgeNginxOptions {
    hosts: PlannedProxyHost[];
    /** The planned http_top.conf; the program's own by default. */
    httpTop?: string;
    appPort: number;
    autheliaPort: number;
}

/**
 * Debian's real nginx with every planned proxy host inside the server block NPM v2.15.1 renders around
 * `advanced_config` (backend/templates/proxy_host.conf with ssl_forced, hsts, http2 and websockets on): listen 80
 * and 443 ssl, server_name, certificate, the force-SSL redirect, the HSTS header, the websocket headers, the per-host
 * access log, then the advanced config verbatim. The http block mirrors NPM's nginx.conf where it matters to an
 * attacker: its `set_real_ip_from` private ranges with `real_ip_header X-Real-IP` (the loopback stands in for them,
 * since the test client is local) and its http-level proxy headers; its default servers answer unknown names.
 * Container names are replaced by loopback ports (apps, Authelia) and /data/logs by a temp folder.
 */
export class EdgeNginx {
    readonly dir: string;
    httpPort = 0;
    httpsPort = 0;
    private proc?: ChildProcess;

    private constructor(dir: string) {
        this.dir = dir;
    }

    static async start(opts: EdgeNginxOptions): Promise<EdgeNginx> {
        if (!fs.existsSync(NGINX)) throw new Error("nginx is not installed: apt-get install nginx-light (bash .ci/run does this)");
        const edge = new EdgeNginx(fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-edge-")));
        edge.httpPort = await freePort();
        edge.httpsPort = await freePort();
        edge.writeCertificate(opts.hosts);
        fs.writeFileSync(path.join(edge.dir, "nginx.conf"), edge.config(opts));
        const test = spawnSyncOk(NGINX, ["-t", "-q", "-p", edge.dir, "-c", path.join(edge.dir, "nginx.conf"), "-e", path.join(edge.dir, "error.log")]);
        if (test) throw new Error(`nginx -t failed:\n${test}`);
        edge.proc = spawn(NGINX, ["-p", edge.dir, "-c", path.join(edge.dir, "nginx.conf"), "-e", path.join(edge.dir, "error.log"), "-g", "daemon off;"], { stdio: "ignore" });
        await edge.waitListening();
        return edge;
    }

    /** One self-signed certificate for the apex and every name below it (the dev stack's wildcard shape). */
    private writeCertificate(hosts: PlannedProxyHost[]): void {
        const apex = hosts[0].domainNames[0].split(".").slice(1).join(".");
        execFileSync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", `/CN=*.${apex}`, "-addext", `subjectAltName=DNS:*.${apex},DNS:${apex}`,
            "-keyout", path.join(this.dir, "key.pem"), "-out", path.join(this.dir, "cert.pem"),
        ], { stdio: "ignore" });
    }

    private config(opts: EdgeNginxOptions): string {
        const d = (f: string) => path.join(this.dir, f);
        const servers = opts.hosts.map((h, i) => {
            const advanced = h.advancedConfig
                .split(EDGE_ACCESS_LOG).join(d("monsterr_access.log"))
                .split(EDGE_TIMING_LOG).join(d(path.basename(TIMING_LOG_IN_DATA)))
                .split(AUTHELIA_URL).join(`http://127.0.0.1:${opts.autheliaPort}`);
            return [
                "server {",
                `  set $forward_scheme ${h.forwardScheme};`,
                '  set $server "127.0.0.1";',
                `  set $port ${opts.appPort};`,
                `  listen 127.0.0.1:${this.httpPort};`,
                `  listen 127.0.0.1:${this.httpsPort} ssl;`,
                `  server_name ${h.domainNames.join(" ")};`,
                `  ssl_certificate ${d("cert.pem")};`,
                `  ssl_certificate_key ${d("key.pem")};`,
                '  if ($scheme = "http") { return 301 https://$host$request_uri; }',
                "  add_header Strict-Transport-Security $hsts_header always;",
                "  proxy_set_header Upgrade $http_upgrade;",
                "  proxy_set_header Connection $http_connection;",
                "  proxy_http_version 1.1;",
                `  access_log ${d(`proxy-host-${i + 1}_access.log`)} proxy;`,
                `  error_log ${d(`proxy-host-${i + 1}_error.log`)} warn;`,
                advanced,
                "}",
            ].join("\n");
        });
        return [
            `pid ${d("nginx.pid")};`,
            "worker_processes 1;",
            "events { worker_connections 256; }",
            "http {",
            ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((k) => `  ${k}_temp_path ${d(`${k}_temp`)};`),
            "  server_tokens off;",
            "  proxy_http_version 1.1;",
            "  proxy_set_header X-Forwarded-Scheme $scheme;",
            "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            '  proxy_set_header Accept-Encoding "";',
            `  log_format proxy '${NPM_LOG_FORMATS.proxy}';`,
            `  log_format standard '${NPM_LOG_FORMATS.standard}';`,
            `  access_log ${d("fallback_http_access.log")} proxy;`,
            // NPM includes /data/nginx/custom/http_top.conf here, before every proxy host (nginx.conf v2.15.1).
            (opts.httpTop ?? httpTopConf()).trim(),
            "  map $host $forward_scheme { default http; }",
            '  map $scheme $hsts_header { https "max-age=63072000; preload"; }',
            "  set_real_ip_from 127.0.0.0/8;",
            "  set_real_ip_from 10.0.0.0/8;",
            "  set_real_ip_from 172.16.0.0/12;",
            "  set_real_ip_from 192.168.0.0/16;",
            "  real_ip_header X-Real-IP;",
            "  real_ip_recursive on;",
            `  server { listen 127.0.0.1:${this.httpPort} default_server; server_name localhost-nginx-proxy-manager; access_log ${d("fallback_http_access.log")} standard; return 404; }`,
            `  server { listen 127.0.0.1:${this.httpsPort} ssl http2 default_server; server_name localhost; ssl_reject_handshake on; return 444; }`,
            ...servers,
            "}",
            "",
        ].join("\n");
    }

    private async waitListening(): Promise<void> {
        const net = await import("net");
        for (let i = 0; i < 100; i++) {
            const ok = await new Promise<boolean>((resolve) => {
                const s = net.connect(this.httpsPort, "127.0.0.1", () => {
                    s.destroy();
                    resolve(true);
                });
                s.on("error", () => resolve(false));
            });
            if (ok) return;
            await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`nginx did not listen: ${fs.readFileSync(path.join(this.dir, "error.log"), "utf8")}`);
    }

    /** The lines nginx wrote to a log of the temp folder. */
    log(file: string): string[] {
        const p = path.join(this.dir, file);
        return fs.existsSync(p) ? fs.readFileSync(p, "utf8").split("\n").filter(Boolean) : [];
    }

    async stop(): Promise<void> {
        if (this.proc && this.proc.exitCode === null) {
            const exited = new Promise((r) => this.proc!.once("exit", r));
            this.proc.kill("SIGQUIT");
            await exited;
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Runs a program; its output when it fails, undefined when it succeeds. */
function spawnSyncOk(cmd: string, args: string[]): string | undefined {
    try {
        execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
        return undefined;
    } catch (e) {
        return String((e as { stderr?: Buffer }).stderr ?? e);
    }
}
