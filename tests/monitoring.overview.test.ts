import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort, requireBinary, runProgram } from "./support/binaries";
import { plan } from "./support/plan";

/**
 * The "Monsterr" overview dashboard shows data: 40 minutes of history shaped as the pinned exporters export it
 * (blackbox, Authelia 4.39.20, fail2ban-prometheus-exporter 0.10.3, mtail with the stack's program, Diun's notes,
 * node-exporter, cAdvisor, Alertmanager) are written as a TSDB block with promtool, the real Prometheus serves them,
 * and every query of every panel is run as Grafana would: each returns series, and the headline numbers are the ones
 * the history implies.
 */
jest.setTimeout(120_000);

const STEPS = 41;
const AT = 31; // the query time, in minutes after the first sample

interface Series {
    name: string;
    labels: Record<string, string>;
    value: (minute: number) => number;
}

const sonarr = { host: "sonarr.media.example.com" };
const plex = { host: "plex.media.example.com" };
const BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

const HISTORY: Series[] = [
    // Sonarr always up; Plex up for the first 16 probes of 32, down since.
    { name: "probe_success", labels: { job: "blackbox", instance: "https://sonarr.media.example.com/ping", service: "sonarr" }, value: () => 1 },
    { name: "probe_success", labels: { job: "blackbox", instance: "https://plex.media.example.com/identity", service: "plex" }, value: (m) => (m <= 15 ? 1 : 0) },
    { name: "authelia_authn_duration_count", labels: { job: "authelia", instance: "authelia:9959", success: "false" }, value: (m) => 2 * m },
    { name: "authelia_authn_duration_count", labels: { job: "authelia", instance: "authelia:9959", success: "true" }, value: (m) => 5 * m },
    { name: "f2b_jail_banned_current", labels: { job: "fail2ban-exporter", instance: "fail2ban-exporter:9191", jail: "sshd" }, value: () => 3 },
    { name: "f2b_jail_banned_current", labels: { job: "fail2ban-exporter", instance: "fail2ban-exporter:9191", jail: "monsterr-proxy" }, value: () => 2 },
    { name: "f2b_jail_failed_current", labels: { job: "fail2ban-exporter", instance: "fail2ban-exporter:9191", jail: "monsterr-authelia" }, value: () => 4 },
    ...["sonarr", "radarr", "plex", "grafana"].map((app) => ({ name: "monsterr_image_pinned_info", labels: { job: "node-exporter", instance: "node-exporter:9100", image: `example/${app}`, pinned: "1.0.0", services: app }, value: () => 1 })),
    { name: "monsterr_image_newer_tag_seen_timestamp_seconds", labels: { job: "node-exporter", instance: "node-exporter:9100", image: "example/sonarr", pinned: "1.0.0", tag: "1.0.1" }, value: () => 1_700_000_000 },
    // Sonarr: 20 requests a minute, 2 of them 502, one 403; Plex: 10 a minute.
    { name: "monsterr_http_requests_total", labels: { job: "mtail", instance: "mtail:3903", ...sonarr, code: "200" }, value: (m) => 17 * m },
    { name: "monsterr_http_requests_total", labels: { job: "mtail", instance: "mtail:3903", ...sonarr, code: "502" }, value: (m) => 2 * m },
    { name: "monsterr_http_requests_total", labels: { job: "mtail", instance: "mtail:3903", ...sonarr, code: "403" }, value: (m) => m },
    { name: "monsterr_http_requests_total", labels: { job: "mtail", instance: "mtail:3903", ...plex, code: "200" }, value: (m) => 10 * m },
    // Of Sonarr's 20 timed answers a minute, 19 within 0.25 s and one within 0.5 s.
    ...BUCKETS.map((le) => ({ name: "monsterr_http_app_response_seconds_bucket", labels: { job: "mtail", instance: "mtail:3903", ...sonarr, le }, value: (m: number) => (Number(le) < 0.25 ? 0 : le === "0.25" ? 19 * m : 20 * m) })),
    { name: "monsterr_http_app_response_seconds_count", labels: { job: "mtail", instance: "mtail:3903", ...sonarr }, value: (m) => 20 * m },
    // One CPU, idle three quarters of the time; a quarter of 8 GB used, 2 GB of it by containers.
    { name: "node_cpu_seconds_total", labels: { job: "node-exporter", instance: "node-exporter:9100", cpu: "0", mode: "idle" }, value: (m) => 45 * m },
    { name: "node_memory_MemAvailable_bytes", labels: { job: "node-exporter", instance: "node-exporter:9100" }, value: () => 6e9 },
    { name: "node_memory_MemTotal_bytes", labels: { job: "node-exporter", instance: "node-exporter:9100" }, value: () => 8e9 },
    { name: "container_memory_working_set_bytes", labels: { job: "cadvisor", instance: "cadvisor:8080", name: "sonarr" }, value: () => 2e9 },
    { name: "ALERTS", labels: { alertname: "PublicUrlDown", alertstate: "firing", severity: "warning" }, value: () => 1 },
    { name: "alertmanager_notifications_total", labels: { job: "alertmanager", instance: "alertmanager:9093", integration: "email" }, value: (m) => m },
    { name: "alertmanager_notifications_failed_total", labels: { job: "alertmanager", instance: "alertmanager:9093", integration: "email" }, value: () => 0 },
];

/** What the history implies at the query time, per panel and series (label values joined, after the query's refId when a panel has several), within 2 %. */
const EXPECTED: Record<string, Record<string, number>> = {
    "Public routes up now": { "": 0.5 },
    "Uptime, 24 h": { "": 0.75 },
    "Uptime, 30 days": { "": 0.75 },
    "Failed sign-ins, 24 h": { "": 62 },
    "Addresses banned now": { "": 5 },
    "Images up to date": { "": 0.75 },
    "Uptime per app, 24 h and 30 days": { "A:sonarr": 1, "A:plex": 0.5, "B:sonarr": 1, "B:plex": 0.5 },
    "App response time, p95": { "sonarr.media.example.com": 0.25 },
    "Server errors (5xx) per host": { "sonarr.media.example.com": 0.1, "plex.media.example.com": 0 },
    "Sign-ins": { false: 10, true: 25 },
    "Refused at the edge": { "403": 5 },
    "Bans and failing addresses per jail": { "A:sshd": 3, "A:monsterr-proxy": 2, "B:monsterr-authelia": 4 },
    "Resource use against the host": { "A:": 0.25, "B:": 0.25, "C:": 0.25 },
    "Alerts firing": { warning: 1 },
    "Alert delivery": { "A:email": 5, "B:email": 0 },
};

function openMetrics(history: Series[], start: number): string {
    const lines: string[] = [];
    for (const s of history) {
        const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(",");
        for (let m = 0; m < STEPS; m++) lines.push(`${s.name}{${labels}} ${s.value(m)} ${start + 60 * m}`);
    }
    return `${lines.join("\n")}\n# EOF\n`;
}

interface Panel {
    title: string;
    description?: string;
    targets: { refId: string; expr: string }[];
}

let panels: Panel[];
let tmp: string;
let start: number;
let single: HistoryServer;

interface HistoryServer {
    base: string;
    stop(): Promise<void>;
}

/** The real Prometheus serving `history` (written as a TSDB block by promtool), read-only. */
async function serveHistory(history: Series[], dir: string): Promise<HistoryServer> {
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "history.om"), openMetrics(history, start));
    const r = runProgram("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(dir, "history.om"), path.join(dir, "tsdb")]);
    if (r.code !== 0) throw new Error(`promtool could not write the history:\n${r.out}`);
    fs.writeFileSync(path.join(dir, "prometheus.yml"), "global: {}\n");
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const proc = spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    const end = Date.now() + 30_000;
    for (;;) {
        if (proc.exitCode !== null) throw new Error(`Prometheus exited with ${proc.exitCode}`);
        if (await fetch(`${base}/-/ready`).then((x) => x.ok, () => false)) break;
        if (Date.now() > end) throw new Error("Prometheus did not become ready");
        await new Promise((res) => setTimeout(res, 250));
    }
    const stop = async () => {
        proc.kill("SIGTERM");
        await new Promise((res) => (proc.exitCode !== null ? res(null) : proc.once("exit", res)));
    };
    return { base, stop };
}

beforeAll(async () => {
    for (const [b, pkg] of [["promtool", "prometheus"], ["prometheus", "prometheus"]]) requireBinary(b, pkg);
    const p = await plan("prod");
    panels = (JSON.parse(p.files.get("/opt/monsterr/grafana/provisioning/dashboards/json/monsterr.json")!) as { panels: Panel[] }).panels;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-overview-"));
    // Two hours ago, on a minute: inside the default retention, outside the head block.
    start = Math.floor(Date.now() / 60_000) * 60 - 2 * 3600;
    single = await serveHistory(HISTORY, path.join(tmp, "one-host"));
});

afterAll(async () => {
    await single?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function query(expr: string, base = single.base): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const q = expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "5m");
    const res = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${start + 60 * AT}`)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (res.status !== "success") throw new Error(`${q}: ${res.error}`);
    return res.data.result;
}

describe("the Monsterr overview dashboard", () => {
    it("has a panel for each question, each naming its source", () => {
        expect(panels.map((p) => p.title)).toEqual(Object.keys(EXPECTED));
        for (const p of panels) expect([p.title, p.description]).toEqual([p.title, expect.stringMatching(/^Source: \S/)]);
    });

    it("every query of every panel returns data from exporter-shaped history, and the headline numbers are right", async () => {
        for (const p of panels) {
            const got: Record<string, number> = {};
            for (const t of p.targets) {
                const result = await query(t.expr);
                expect([p.title, t.expr, result.length > 0]).toEqual([p.title, t.expr, true]);
                for (const r of result) {
                    const { job: _j, instance: _i, ...rest } = r.metric;
                    got[`${p.targets.length > 1 ? `${t.refId}:` : ""}${Object.values(rest).join(",")}`] = Number(r.value[1]);
                }
            }
            for (const [legend, want] of Object.entries(EXPECTED[p.title])) {
                expect([p.title, legend, got[legend]]).toEqual([p.title, legend, expect.any(Number)]);
                expect([p.title, legend, Math.abs(got[legend] - want) <= Math.max(0.02 * Math.abs(want), 1e-9)]).toEqual([p.title, legend, true]);
            }
        }
    });
});

describe("the Monsterr overview dashboard on a stack with several hosts", () => {
    // Edge: one CPU a quarter busy, 2 of 8 GB used, 1 GB by containers. Feeder: three quarters busy, 3 of 4 GB used,
    // 2 GB by containers. Summed or averaged over both they would read half busy, 5 of 12 GB: neither host.
    const host = (h: string, idlePerMinute: number, availableGb: number, totalGb: number, containerGb: number): Series[] => [
        { name: "node_cpu_seconds_total", labels: { job: "node-exporter", instance: `${h}:9100`, host: h, cpu: "0", mode: "idle" }, value: (m) => idlePerMinute * m },
        { name: "node_memory_MemAvailable_bytes", labels: { job: "node-exporter", instance: `${h}:9100`, host: h }, value: () => availableGb * 1e9 },
        { name: "node_memory_MemTotal_bytes", labels: { job: "node-exporter", instance: `${h}:9100`, host: h }, value: () => totalGb * 1e9 },
        { name: "container_memory_working_set_bytes", labels: { job: "cadvisor", instance: `${h}:8080`, host: h, name: "node-exporter" }, value: () => containerGb * 1e9 },
    ];
    let two: HistoryServer;
    beforeAll(async () => {
        two = await serveHistory([...host("edge", 45, 6, 8, 1), ...host("feeder", 15, 1, 4, 2)], path.join(tmp, "two-hosts"));
    });
    afterAll(async () => two?.stop());

    it("shows each host's resource use on its own, not a blend of both", async () => {
        const panel = panels.find((p) => p.title === "Resource use against the host")!;
        const got: Record<string, number> = {};
        for (const t of panel.targets) for (const r of await query(t.expr, two.base)) got[`${t.refId}:${r.metric.host}`] = Number(Number(r.value[1]).toFixed(3));
        expect(got).toEqual({ "A:edge": 0.25, "A:feeder": 0.75, "B:edge": 0.25, "B:feeder": 0.75, "C:edge": 0.125, "C:feeder": 0.5 });
    });
});
