import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { expectedContainers, ruleGroups, serializeRuleGroup } from "../components/files/alertingRules";
import { PROMETHEUS_DATASOURCE_UID } from "../components/files/grafana";
import { CATALOG, SERVICE_NAMES } from "../config/catalog";
import { freePort, requireBinary, runProgram } from "./support/binaries";
import { Plan, isSecret, plan, reveal } from "./support/plan";

/** Writes the files under `<configRoot>/<service>/<sub>/` into `dir`, keeping their relative layout. */
function writeTree(p: Plan, configRoot: string, service: string, sub: string, dir: string): string[] {
    const prefix = `${configRoot}/${service}/${sub}/`;
    const written: string[] = [];
    for (const [file, content] of p.files) {
        if (!file.startsWith(prefix)) continue;
        const rel = file.slice(prefix.length);
        fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
        written.push(rel);
    }
    return written.sort();
}

const PROMTOOL_TESTS = path.join(__dirname, "promtool");
/** The rule groups of the prod stack, which deploys every service enabled by default. */
const RULE_GROUPS = ruleGroups(CATALOG.filter((s) => s.enabledByDefault).map((s) => s.name), true);
const CONFIG_ROOT = "/opt/monsterr";

const FULL_ALERTING = {
    email: { to: ["me@example.com", "partner@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts@example.com" },
    webhook: { url: "https://hooks.example.com/alertmanager", minSeverity: "critical" },
    ntfy: { url: "https://ntfy.sh/monsterr-alerts" },
    discord: { minSeverity: "critical" },
    heartbeatUrl: "https://hc-ping.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
};
const FULL_SECRETS = {
    alertingSmtpPassword: "smtp-pass-123",
    alertingWebhookToken: "webhook-token-456",
    alertingNtfyToken: "tk_ntfytoken789",
    alertingDiscordUrl: "https://discord.com/api/webhooks/123/abcDEF",
};

describe("monitoring files (real validators)", () => {
    let prod: Plan;
    let full: Plan;
    let tmp: string;
    let promDir: string;

    beforeAll(async () => {
        for (const [b, pkg] of [["promtool", "prometheus"], ["prometheus", "prometheus"], ["amtool", "prometheus-alertmanager"], ["prometheus-blackbox-exporter", "prometheus-blackbox-exporter"]]) requireBinary(b, pkg);
        prod = await plan("prod");
        full = await plan("prod", { alerting: FULL_ALERTING }, FULL_SECRETS);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-monitoring-"));
        promDir = path.join(tmp, "prometheus");
        writeTree(prod, CONFIG_ROOT, "prometheus", "etc", promDir);
    });
    afterAll(() => {
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("the prod plan writes prometheus.yml, one rule file per group, alertmanager.yml, blackbox and Grafana files", () => {
        const files = [...prod.files.keys()];
        expect(files).toEqual(expect.arrayContaining([
            `${CONFIG_ROOT}/prometheus/etc/prometheus.yml`,
            ...RULE_GROUPS.map((g) => `${CONFIG_ROOT}/prometheus/etc/rules/${g.name}.yml`),
            `${CONFIG_ROOT}/alertmanager/etc/alertmanager.yml`,
            `${CONFIG_ROOT}/blackbox-exporter/etc/config.yml`,
            `${CONFIG_ROOT}/grafana/provisioning/datasources/prometheus.yml`,
            `${CONFIG_ROOT}/grafana/provisioning/dashboards/monsterr.yml`,
            `${CONFIG_ROOT}/grafana/provisioning/dashboards/json/host.json`,
            `${CONFIG_ROOT}/grafana/provisioning/dashboards/json/containers.json`,
            `${CONFIG_ROOT}/grafana/provisioning/dashboards/json/media-stack.json`,
            `${CONFIG_ROOT}/grafana/provisioning/dashboards/json/monsterr.json`,
        ]));
    });

    it("promtool check config accepts prometheus.yml and finds every rule file", () => {
        const r = runProgram("promtool", ["check", "config", "prometheus.yml"], { cwd: promDir });
        expect(r.out).toContain(`${RULE_GROUPS.length} rule files found`);
        expect(r.code).toBe(0);
    });

    it("promtool check rules accepts every rule file", () => {
        const files = RULE_GROUPS.map((g) => `rules/${g.name}.yml`);
        const r = runProgram("promtool", ["check", "rules", ...files], { cwd: promDir });
        expect({ code: r.code, out: r.out }).toMatchObject({ code: 0 });
        expect(r.out.match(/SUCCESS/g)?.length).toBe(files.length);
    });

    it("promtool test rules: the committed unit tests pass on the generated rules", () => {
        const tests = fs.readdirSync(PROMTOOL_TESTS).filter((f) => f.endsWith(".test.yml")).sort();
        expect(tests).toHaveLength(RULE_GROUPS.length);
        for (const t of tests) fs.copyFileSync(path.join(PROMTOOL_TESTS, t), path.join(promDir, t));
        // The per-container rules, generated for the containers the committed cases name (promtool evaluates every
        // rule of a file, and a container without series is rightly "down").
        const testDir = fs.mkdtempSync(path.join(tmp, "promtool-"));
        fs.cpSync(promDir, testDir, { recursive: true });
        fs.writeFileSync(path.join(testDir, "rules", "expected-containers.yml"), serializeRuleGroup(expectedContainers(["sonarr", "radarr", "qbittorrent"])));
        const r = runProgram("promtool", ["test", "rules", ...tests], { cwd: testDir });
        if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.out}`);
        expect(r.out.match(/SUCCESS/g)?.length).toBe(tests.length);
    });

    it("expects every container of the stack: one ContainerDown rule each, the same rule the unit tests check", () => {
        const file = yaml.load(prod.files.get(`${CONFIG_ROOT}/prometheus/etc/rules/expected-containers.yml`)!) as { groups: { rules: { alert: string; expr: string; labels: { container: string } }[] }[] };
        const rules = file.groups[0].rules;
        expect(rules.map((r) => r.labels.container).sort()).toEqual(prod.containers().map((c) => c.name).sort());
        const sonarr = expectedContainers(["sonarr"]).rules[0];
        expect(rules.find((r) => r.labels.container === "sonarr")).toMatchObject({ alert: sonarr.alert, expr: sonarr.expr });
    });

    it("every alert has a unit test where it fires and one where it does not (Watchdog always fires)", () => {
        const cases: { alertname: string; exp_alerts?: unknown[] }[] = [];
        for (const t of fs.readdirSync(PROMTOOL_TESTS).filter((f) => f.endsWith(".test.yml"))) {
            const doc = yaml.load(fs.readFileSync(path.join(PROMTOOL_TESTS, t), "utf8")) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] };
            for (const test of doc.tests) cases.push(...(test.alert_rule_test ?? []));
        }
        for (const rule of RULE_GROUPS.flatMap((g) => g.rules)) {
            const mine = cases.filter((c) => c.alertname === rule.alert);
            expect({ alert: rule.alert, fires: mine.some((c) => (c.exp_alerts ?? []).length > 0) }).toEqual({ alert: rule.alert, fires: true });
            if (rule.alert !== "Watchdog") expect({ alert: rule.alert, quiet: mine.some((c) => (c.exp_alerts ?? []).length === 0) }).toEqual({ alert: rule.alert, quiet: true });
        }
    });

    it("scrapes itself, the exporters, every exportarr, Authelia, Alertmanager, Grafana and probes every public URL", () => {
        const config = yaml.load(fs.readFileSync(path.join(promDir, "prometheus.yml"), "utf8")) as {
            scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; relabel_configs?: { replacement?: string }[] }[];
            alerting: unknown;
        };
        const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]));
        expect(jobs).toMatchObject({
            prometheus: ["prometheus:9090"],
            "node-exporter": ["node-exporter:9100"],
            cadvisor: ["cadvisor:8080"],
            authelia: ["authelia:9959"],
            alertmanager: ["alertmanager:9093"],
            grafana: ["grafana:3000"],
            "qbittorrent-exporter": ["qbittorrent-exporter:8090"],
            "blackbox-exporter": ["blackbox-exporter:9115"],
            ...Object.fromEntries(["sonarr", "radarr", "lidarr", "prowlarr", "readarr"].map((a) => [`exportarr-${a}`, [`exportarr-${a}:9707`]])),
        });
        expect(jobs.blackbox).toEqual(expect.arrayContaining(["https://auth.media.example.com/api/health", "https://sonarr.media.example.com/ping", "https://plex.media.example.com/identity", "https://grafana.media.example.com/api/health", "https://nzbget.media.example.com/"]));
        expect(config.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
    });

    it("the real Prometheus starts with the generated config, loads every rule group, and parses every dashboard query", async () => {
        const port = await freePort();
        const proc: ChildProcess = spawn("prometheus", [
            `--config.file=${path.join(promDir, "prometheus.yml")}`,
            `--storage.tsdb.path=${path.join(tmp, "tsdb")}`,
            `--web.listen-address=127.0.0.1:${port}`,
        ], { stdio: ["ignore", "ignore", "pipe"] });
        let log = "";
        proc.stderr!.on("data", (d) => (log += String(d)));
        const base = `http://127.0.0.1:${port}`;
        try {
            await waitFor(async () => {
                if (proc.exitCode !== null) throw new Error(`Prometheus exited with ${proc.exitCode}:\n${log}`);
                return (await fetch(`${base}/-/ready`)).ok;
            }, 30_000, () => log);
            const rules = (await (await fetch(`${base}/api/v1/rules`)).json()) as { data: { groups: { name: string; file: string; rules: { name: string; health: string }[] }[] } };
            const loaded = rules.data.groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => r.name) }));
            expect(loaded.sort((a, b) => a.name.localeCompare(b.name))).toEqual(RULE_GROUPS.map((g) => ({ name: g.name, rules: g.rules.map((r) => r.alert) })).sort((a, b) => a.name.localeCompare(b.name)));

            // Grafana's own variables are replaced by what it would send; Prometheus parses and runs the rest.
            const dashboards = [...prod.files].filter(([f]) => f.includes("/grafana/provisioning/dashboards/json/"));
            expect(dashboards).toHaveLength(4);
            let queries = 0;
            for (const [file, content] of dashboards) {
                for (const panel of (JSON.parse(content) as { panels: { title: string; targets: { expr: string }[] }[] }).panels) {
                    for (const t of panel.targets) {
                        const expr = t.expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "2m");
                        const res = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; error?: string };
                        expect({ file: path.basename(file), panel: panel.title, status: res.status, error: res.error }).toEqual({ file: path.basename(file), panel: panel.title, status: "success", error: undefined });
                        queries++;
                    }
                }
            }
            expect(queries).toBeGreaterThan(20);
        } finally {
            proc.kill("SIGTERM");
            await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once("exit", r)));
        }
    });

    it("Grafana: one Prometheus datasource by a fixed uid, a read-only provider, dashboards that use only that datasource", () => {
        // No Grafana binary is packaged for Debian; the queries are checked by the real Prometheus above.
        const ds = yaml.load(prod.files.get(`${CONFIG_ROOT}/grafana/provisioning/datasources/prometheus.yml`)!) as { datasources: { uid: string; url: string; type: string }[] };
        expect(ds.datasources).toEqual([expect.objectContaining({ uid: PROMETHEUS_DATASOURCE_UID, type: "prometheus", url: "http://prometheus:9090" })]);
        const providers = yaml.load(prod.files.get(`${CONFIG_ROOT}/grafana/provisioning/dashboards/monsterr.yml`)!) as { providers: { options: { path: string } }[] };
        expect(providers.providers[0].options.path).toBe("/etc/grafana/provisioning/dashboards/json");
        const uids = new Set<string>();
        for (const [file, content] of prod.files) {
            if (!file.includes("/dashboards/json/")) continue;
            const d = JSON.parse(content) as { uid: string; panels: { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }[] };
            uids.add(d.uid);
            for (const p of d.panels) {
                expect(p.datasource.uid).toBe(PROMETHEUS_DATASOURCE_UID);
                for (const t of p.targets) expect(t.datasource.uid).toBe(PROMETHEUS_DATASOURCE_UID);
            }
        }
        expect(uids.size).toBe(4);
    });

    it("blackbox exporter accepts its config (--config.check)", () => {
        const dir = path.join(tmp, "blackbox");
        writeTree(prod, CONFIG_ROOT, "blackbox-exporter", "etc", dir);
        const r = runProgram("prometheus-blackbox-exporter", ["--config.check", `--config.file=${path.join(dir, "config.yml")}`], { cwd: dir });
        expect(r.out).toContain("Config file is ok");
        expect(r.code).toBe(0);
    });

    it("amtool accepts alertmanager.yml without receivers configured: a null receiver, grouping and inhibition", () => {
        const dir = path.join(tmp, "am-default");
        writeTree(prod, CONFIG_ROOT, "alertmanager", "etc", dir);
        const r = runProgram("amtool", ["check-config", "alertmanager.yml"], { cwd: dir });
        expect(r.out).toMatch(/SUCCESS[\s\S]*3 inhibit rules[\s\S]*1 receivers/);
        expect(r.code).toBe(0);
        const am = yaml.load(fs.readFileSync(path.join(dir, "alertmanager.yml"), "utf8")) as { route: { receiver: string; group_by: string[] } };
        expect(am.route).toMatchObject({ receiver: "null", group_by: ["alertname", "severity"] });
    });

    it("amtool accepts alertmanager.yml with e-mail, webhook, ntfy, Discord and heartbeat; routes follow each receiver's severity", () => {
        const dir = path.join(tmp, "am-full");
        const files = writeTree(full, CONFIG_ROOT, "alertmanager", "etc", dir);
        expect(files).toEqual(["alertmanager.yml", "secrets/discord-url", "secrets/ntfy-token", "secrets/smtp-password", "secrets/webhook-token"]);
        const r = runProgram("amtool", ["check-config", "alertmanager.yml"], { cwd: dir });
        expect(r.out).toMatch(/SUCCESS[\s\S]*6 receivers/);
        expect(r.code).toBe(0);

        const am = yaml.load(fs.readFileSync(path.join(dir, "alertmanager.yml"), "utf8")) as {
            global: Record<string, unknown>;
            route: { routes: { receiver: string; matchers: string[]; continue?: boolean }[] };
            receivers: Record<string, any>[];
        };
        expect(am.global).toMatchObject({ smtp_smarthost: "smtp.example.com:587", smtp_auth_username: "alerts@example.com", smtp_auth_password_file: "/etc/alertmanager/secrets/smtp-password", smtp_require_tls: true });
        expect(am.route.routes.map((x) => [x.receiver, x.matchers[0]])).toEqual([
            ["heartbeat", 'alertname="Watchdog"'],
            ["null", 'alertname=~"ImageUpdateAvailable|ImageUpdateOverdue"'],
            ["email", 'severity=~"critical|warning"'],
            ["webhook", 'severity="critical"'],
            ["ntfy", 'severity=~"critical|warning"'],
            ["discord", 'severity="critical"'],
        ]);
        // Where amtool routes each kind of alert: updates reach the warning receivers on their own weekly route.
        const routed = (...labels: string[]) => runProgram("amtool", ["config", "routes", "test", "--config.file=alertmanager.yml", ...labels], { cwd: dir }).out.replace(/^Warning: .*\n/m, "").trim();
        expect(routed("alertname=ImageUpdateAvailable", "severity=warning", "image=redis")).toBe("email,ntfy");
        expect(routed("alertname=ImageUpdateOverdue", "severity=warning")).toBe("email,ntfy");
        expect(routed("alertname=ContainerDown", "severity=critical")).toBe("email,webhook,ntfy,discord");
        expect(routed("alertname=Watchdog", "severity=none")).toBe("heartbeat");
        const ntfy = am.receivers.find((x) => x.name === "ntfy")!;
        expect(ntfy.webhook_configs[0]).toMatchObject({ url: "https://ntfy.sh/monsterr-alerts?template=alertmanager", http_config: { authorization: { type: "Bearer", credentials_file: "/etc/alertmanager/secrets/ntfy-token" } } });
        // No secret is inlined in the plain config file.
        const text = fs.readFileSync(path.join(dir, "alertmanager.yml"), "utf8");
        for (const v of Object.values(FULL_SECRETS)) expect(text).not.toContain(v);
        expect(fs.readFileSync(path.join(dir, "secrets/discord-url"), "utf8")).toBe("https://discord.com/api/webhooks/123/abcDEF/slack");
        expect(fs.readFileSync(path.join(dir, "secrets/smtp-password"), "utf8")).toBe("smtp-pass-123");
    });

    it("receiver secrets stay Pulumi secrets in state and reach Alertmanager only as 0440 files", () => {
        const writes = full.resources.filter((r) => r.type.startsWith("command:") && String(reveal(r.inputs.create)).includes("/alertmanager/etc/secrets/"));
        expect(writes).toHaveLength(4);
        for (const w of writes) {
            expect(isSecret(w.inputs.stdin)).toBe(true);
            expect(String(reveal(w.inputs.create))).toContain("chmod 0440");
        }
        const am = full.container("alertmanager")!;
        expect(am.envs.join("\n")).not.toMatch(/smtp-pass|webhook-token|ntfytoken|webhooks\/123/);
        expect(am.user).toBe("1000:1000");
    });

    it("every new service name is in the catalog", () => {
        for (const n of ["alertmanager", "node-exporter", "cadvisor", "blackbox-exporter", "qbittorrent-exporter"]) expect(SERVICE_NAMES).toContain(n);
    });
});

async function waitFor(check: () => Promise<boolean>, ms: number, log: () => string): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        try {
            if (await check()) return;
        } catch (e) {
            if (e instanceof Error && e.message.startsWith("Prometheus exited")) throw e;
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`Prometheus did not become ready within ${ms} ms:\n${log()}`);
}
