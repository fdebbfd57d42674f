import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AUTHZ_LOCATION, NginxDirective, serializeNginx } from "../../components/edge/authSnippet";
import { plan, reveal } from "../support/plan";

const NGINX = "/usr/sbin/nginx";
/** NPM v2.15.1 backend/internal/nginx.js: an advanced config matching this replaces NPM's own `location /`. */
const NPM_HAS_DEFAULT_LOCATION = /^(?:.*;)?\s*?location\s*?\/\s*?{/im;

interface PlannedHost {
    domainNames: string[];
    forwardScheme: string;
    forwardHost: string;
    forwardPort: number;
    advancedConfig: string;
}

/**
 * The server block NPM's proxy_host.conf template renders around `advanced_config` (v2.15.1): the forward
 * variables, the HSTS header at server level, then the advanced config verbatim. The http block stands in for
 * NPM's resolvers.conf and _hsts_map.conf; everything else lives in the temp dir so nginx runs unprivileged.
 */
function npmLikeConf(dir: string, hosts: PlannedHost[]): string {
    const t = (name: string) => path.join(dir, name);
    const head: NginxDirective[] = [
        { name: "pid", args: [t("nginx.pid")] },
        { name: "error_log", args: [t("error.log")] },
        { name: "events", block: [] },
    ];
    const http: NginxDirective[] = [
        { name: "access_log", args: ["off"] },
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((k) => ({ name: `${k}_temp_path`, args: [t(`${k}_temp`)] })),
        { name: "resolver", args: ["127.0.0.11", "valid=10s"] },
        { name: "map", args: ["$scheme", "$hsts_header"], block: [{ name: "https", args: ["max-age=63072000; preload"] }] },
    ];
    const servers = hosts.map((h) =>
        [
            "server {",
            "listen 127.0.0.1:18080;",
            `server_name ${h.domainNames.join(" ")};`,
            `set $forward_scheme ${h.forwardScheme};`,
            `set $server "${h.forwardHost}";`,
            `set $port ${h.forwardPort};`,
            "add_header Strict-Transport-Security $hsts_header always;",
            h.advancedConfig,
            "}",
        ].join("\n"),
    );
    return `${serializeNginx(head)}http {\n${serializeNginx(http, 1)}${servers.join("\n")}\n}\n`;
}

function nginxTest(conf: string): { ok: boolean; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-nginx-"));
    const file = path.join(dir, "nginx.conf");
    fs.writeFileSync(file, conf.replace(/__DIR__/g, dir));
    try {
        const out = execFileSync(NGINX, ["-t", "-q", "-c", file, "-p", dir, "-e", path.join(dir, "error.log")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return { ok: true, output: out };
    } catch (e) {
        return { ok: false, output: String((e as { stderr?: string }).stderr ?? e) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the Authelia forward-auth snippets under Debian's nginx", () => {
    let hosts: PlannedHost[];
    beforeAll(async () => {
        if (!fs.existsSync(NGINX)) throw new Error("nginx is not installed: apt-get install nginx-light (Debian's nginx with auth_request)");
        const p = await plan("prod");
        hosts = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedHost);
        // Plex's host address is only known once the proxy network exists; any address will do for nginx -t.
        hosts = hosts.map((h) => (typeof h.forwardHost === "string" ? h : { ...h, forwardHost: "172.17.0.1" }));
    });

    it("every proxy host's advanced config passes nginx -t inside an NPM-shaped server block", () => {
        const dir = "__DIR__";
        const result = nginxTest(npmLikeConf(dir, hosts));
        expect(result).toEqual({ ok: true, output: "" });
    });

    it("defines `location /` so NPM drops its default location, and only forward-auth hosts carry auth_request", () => {
        for (const h of hosts) {
            expect({ host: h.domainNames[0], replacesDefault: NPM_HAS_DEFAULT_LOCATION.test(h.advancedConfig) }).toEqual({ host: h.domainNames[0], replacesDefault: true });
        }
        const guarded = hosts.filter((h) => h.advancedConfig.includes(`auth_request ${AUTHZ_LOCATION};`)).map((h) => h.domainNames[0].split(".")[0]);
        expect(guarded).not.toContain("auth");
        expect(guarded).not.toContain("plex");
        expect(guarded).toEqual(expect.arrayContaining(["sonarr", "radarr", "portainer", "grafana", "qbittorrent"]));
    });

    it("rejects a broken snippet (the check can fail)", () => {
        const broken = hosts.map((h) => ({ ...h, advancedConfig: h.advancedConfig.replace('Content-Length ""', "Content-Length") }));
        expect(nginxTest(npmLikeConf("__DIR__", broken)).ok).toBe(false);
    });
});
