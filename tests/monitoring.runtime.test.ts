import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { freePort, requireBinary } from "./support/binaries";
import { Plan, plan } from "./support/plan";

/**
 * The monitoring pipeline with its real programs (Debian's builds; older than the pinned images, the behaviour used
 * is the same): Prometheus relabelling node-exporter-shaped series, the blackbox exporter probing through an nginx
 * that redirects to a login host with another certificate, Alertmanager applying the generated inhibitions.
 */
jest.setTimeout(120_000);

let tmp: string;
let prod: Plan;
const procs: ChildProcess[] = [];

beforeAll(async () => {
    for (const [b, pkg] of [["prometheus", "prometheus"], ["prometheus-blackbox-exporter", "prometheus-blackbox-exporter"], ["prometheus-alertmanager", "prometheus-alertmanager"], ["nginx", "nginx-light"], ["openssl", "openssl"]]) requireBinary(b, pkg);
    prod = await plan("prod");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-runtime-"));
});

afterAll(async () => {
    for (const p of procs) p.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(tmp, { recursive: true, force: true });
});

function start(cmd: string, args: string[]): { proc: ChildProcess; log: () => string } {
    const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stdout!.on("data", (d) => (out += String(d)));
    proc.stderr!.on("data", (d) => (out += String(d)));
    procs.push(proc);
    return { proc, log: () => out };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, log: () => string, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn().catch(() => undefined);
        if (v !== undefined) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${log()}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json() as Promise<any>;

describe("Prometheus relabels node-exporter's filesystems into the `volume` the disk alerts use", () => {
    it("labels exactly the two trees, and the disk expression of the rules sees them", async () => {
        // What node-exporter 1.12 exports for the catalog's mounts (mountpoint = the path inside its container).
        const page = [
            '# TYPE node_filesystem_avail_bytes gauge',
            'node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/monsterr/config"} 3e+09',
            'node_filesystem_avail_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/monsterr/data"} 5e+11',
            'node_filesystem_avail_bytes{device="overlay",fstype="overlay",mountpoint="/"} 5e+09',
            '# TYPE node_filesystem_size_bytes gauge',
            'node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/monsterr/config"} 1e+11',
            'node_filesystem_size_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/monsterr/data"} 1e+12',
            'node_filesystem_size_bytes{device="overlay",fstype="overlay",mountpoint="/"} 1e+10',
            "",
        ].join("\n");
        const exporter = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end(page));
        const exporterPort = await freePort();
        await new Promise<void>((r) => exporter.listen(exporterPort, "127.0.0.1", r));
        try {
            const config = yaml.load(prod.files.get("/opt/monsterr/prometheus/etc/prometheus.yml")!) as { global: Record<string, string>; scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; scrape_interval?: string }[] };
            // Only the node-exporter job, aimed at the stand-in page, scraped quickly; its relabelling is the program's.
            const job = config.scrape_configs.find((j) => j.job_name === "node-exporter")!;
            const only = { global: { ...config.global, scrape_interval: "1s", scrape_timeout: "1s" }, scrape_configs: [{ ...job, static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }] };
            const dir = path.join(tmp, "prom-relabel");
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "prometheus.yml"), yaml.dump(only));
            const port = await freePort();
            const prom = start("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`]);
            const query = (q: string) => json(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
            const volumes = await until("the scrape", async () => {
                const r = await query('node_filesystem_avail_bytes{volume!=""}');
                return r.data?.result?.length === 2 ? r.data.result : undefined;
            }, prom.log);
            expect(volumes.map((s: { metric: Record<string, string> }) => [s.metric.mountpoint, s.metric.volume]).sort()).toEqual([["/monsterr/config", "config"], ["/monsterr/data", "data"]]);
            const rules = yaml.load(prod.files.get("/opt/monsterr/prometheus/etc/rules/host.yml")!) as { groups: { rules: { alert: string; expr: string }[] }[] };
            const high = rules.groups[0].rules.find((r) => r.alert === "DiskUsageHigh")!;
            // config is 97% full: the alert expression selects it (and only it), from the relabelled series.
            const firing = (await query(high.expr)).data.result.map((s: { metric: { volume: string } }) => s.metric.volume);
            expect(firing).toEqual(["config"]);
        } finally {
            exporter.close();
        }
    });
});

describe("the blackbox exporter with the generated modules, against an nginx that redirects to a login host", () => {
    it("reports the app's own host certificate and fails when the app is down or only the login answers", async () => {
        const dir = path.join(tmp, "blackbox");
        fs.mkdirSync(dir);
        // Two hosts with their own certificates: the app's expires in 5 days, the login portal's in 90.
        const cert = (name: string, days: number) =>
            execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", String(days), "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", path.join(dir, `${name}.key`), "-out", path.join(dir, `${name}.crt`)], { stdio: "ignore" });
        cert("app.test", 5);
        cert("login.test", 90);
        const notAfter = (name: string) => Date.parse(execFileSync("openssl", ["x509", "-noout", "-enddate", "-in", path.join(dir, `${name}.crt`)], { encoding: "utf8" }).replace("notAfter=", "").trim()) / 1000;
        const port = await freePort();
        const deadPort = await freePort();
        fs.writeFileSync(
            path.join(dir, "nginx.conf"),
            [
                `pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {}`,
                `http { access_log off; client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;`,
                `server { listen 127.0.0.1:${port} ssl; server_name app.test; ssl_certificate ${dir}/app.test.crt; ssl_certificate_key ${dir}/app.test.key;`,
                "  location = /ping { return 200 'OK'; }",
                `  location = /dead { proxy_pass http://127.0.0.1:${deadPort}; }`,
                `  location / { return 302 https://login.test:${port}/?rd=x; } }`,
                `server { listen 127.0.0.1:${port} ssl; server_name login.test; ssl_certificate ${dir}/login.test.crt; ssl_certificate_key ${dir}/login.test.key; location / { return 200 'login'; } } }`,
            ].join("\n"),
        );
        start("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"]);
        // The generated modules, with the two test CAs trusted; the old module (redirects followed, any 2xx) beside them.
        const generated = yaml.load(prod.files.get("/opt/monsterr/blackbox-exporter/etc/config.yml")!) as { modules: Record<string, { http: Record<string, any> }> };
        fs.writeFileSync(path.join(dir, "ca.pem"), fs.readFileSync(path.join(dir, "app.test.crt"), "utf8") + fs.readFileSync(path.join(dir, "login.test.crt"), "utf8"));
        const modules: Record<string, unknown> = {};
        for (const [name, m] of Object.entries(generated.modules)) modules[name] = { ...m, http: { ...m.http, tls_config: { ca_file: path.join(dir, "ca.pem") } } };
        modules.follow_2xx = { prober: "http", timeout: "5s", http: { follow_redirects: true, fail_if_not_ssl: true, preferred_ip_protocol: "ip4", tls_config: { ca_file: path.join(dir, "ca.pem") } } };
        fs.writeFileSync(path.join(dir, "blackbox.yml"), yaml.dump({ modules }));
        fs.writeFileSync(path.join(dir, "hosts"), "127.0.0.1 app.test login.test localhost\n");
        const bbPort = await freePort();
        // The container resolves public names to the proxy through its /etc/hosts (Docker extra hosts): the same here.
        const bb = start("unshare", ["--mount", "--propagation", "private", "sh", "-c", `mount --bind ${dir}/hosts /etc/hosts && exec prometheus-blackbox-exporter --config.file=${dir}/blackbox.yml --web.listen-address=127.0.0.1:${bbPort}`]);
        const probe = async (target: string, module: string) => {
            const text = await until(`blackbox on ${bbPort}`, async () => (await fetch(`http://127.0.0.1:${bbPort}/probe?module=${module}&target=${encodeURIComponent(target)}`)).text(), bb.log);
            const value = (metric: string) => Number(new RegExp(`^${metric} (\\S+)$`, "m").exec(text)?.[1]);
            return { success: value("probe_success"), status: value("probe_http_status_code"), expiry: value("probe_ssl_earliest_cert_expiry") };
        };
        expect(Object.keys(generated.modules)).toContain("http_200");
        const app = `https://app.test:${port}`;

        const health = await probe(`${app}/ping`, "http_200");
        expect(health).toMatchObject({ success: 1, status: 200 });
        expect(Math.abs(health.expiry - notAfter("app.test"))).toBeLessThan(5);

        // The old probe of `/`: Authelia's redirect to the portal looks like success, with the portal's certificate.
        const old = await probe(`${app}/`, "follow_2xx");
        expect(old.success).toBe(1);
        expect(Math.abs(old.expiry - notAfter("login.test"))).toBeLessThan(5);
        // The generated module does not follow it: a protected path is not "up".
        expect(await probe(`${app}/`, "http_200")).toMatchObject({ success: 0, status: 302 });
        // The app is down behind its proxy host: 502, red.
        expect(await probe(`${app}/dead`, "http_200")).toMatchObject({ success: 0, status: 502 });
    });
});

describe("Alertmanager applies the generated inhibitions", () => {
    it("holds back container alerts while cAdvisor is blind, DiskUsageHigh under DiskUsageCritical, and nothing under NodeExporterDown", async () => {
        const dir = path.join(tmp, "am");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "alertmanager.yml"), prod.files.get("/opt/monsterr/alertmanager/etc/alertmanager.yml")!);
        const port = await freePort();
        const clusterPort = await freePort();
        const am = start("prometheus-alertmanager", [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, `--cluster.listen-address=127.0.0.1:${clusterPort}`]);
        const base = `http://127.0.0.1:${port}/api/v2`;
        await until("Alertmanager", async () => ((await fetch(`${base}/status`)).ok ? true : undefined), am.log);
        const alert = (labels: Record<string, string>) => ({ labels, annotations: {}, startsAt: new Date().toISOString() });
        const post = (alerts: unknown[]) => fetch(`${base}/alerts`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(alerts) });
        await post([
            alert({ alertname: "CadvisorSeesNoContainers", severity: "warning", scope: "monitoring", job: "cadvisor" }),
            alert({ alertname: "ContainerDown", severity: "critical", scope: "service", container: "sonarr" }),
            alert({ alertname: "DiskUsageCritical", severity: "critical", scope: "host", volume: "data" }),
            alert({ alertname: "DiskUsageHigh", severity: "warning", scope: "host", volume: "data" }),
            alert({ alertname: "DiskUsageHigh", severity: "warning", scope: "host", volume: "config" }),
            alert({ alertname: "NodeExporterDown", severity: "warning", scope: "monitoring", job: "node-exporter" }),
            alert({ alertname: "PublicUrlDown", severity: "critical", scope: "service", service: "sonarr" }),
        ]);
        const state = await until("inhibitions", async () => {
            const alerts = (await json(`${base}/alerts`)) as { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[];
            if (alerts.length < 7 || alerts.some((a) => a.status.state === "unprocessed")) return undefined;
            return Object.fromEntries(alerts.map((a) => [`${a.labels.alertname}${a.labels.volume ? `/${a.labels.volume}` : ""}`, a.status.state]));
        }, am.log);
        expect(state).toEqual({
            CadvisorSeesNoContainers: "active",
            ContainerDown: "suppressed",
            "DiskUsageCritical/data": "active",
            "DiskUsageHigh/data": "suppressed",
            "DiskUsageHigh/config": "active",
            NodeExporterDown: "active",
            PublicUrlDown: "active",
        });
    });
});
