import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_RULES, RULE_GROUPS, expectedContainers, ruleFilePath, ruleGroups, serializeRuleGroup, updateRules } from "../../../components/files/alertingRules";
import { securityRuleGroups } from "../../../components/files/securityRules";
import { ALERTMANAGER_ETC, alertmanagerConfig, alertmanagerFiles, discordSlackUrl } from "../../../components/files/alertmanager";
import { blackboxConfig, blackboxFiles } from "../../../components/files/blackbox";
import { DASHBOARD_DIR, PROMETHEUS_DATASOURCE_UID, dashboardProviders, dashboards, datasources, grafanaFiles } from "../../../components/files/grafana";
import { BLACKBOX_ADDRESS, prometheusConfig, prometheusFiles } from "../../../components/files/prometheus";
import { DEFAULT_PROBE_STATUS, probeModule, probeTargets } from "../../../components/files/probes";
import { AlertingConfig } from "../../../config/alerting";
import { CATALOG } from "../../../config/catalog";
import { requireBinary, runProgram } from "../../support/binaries";
import { PROBES } from "../../policy/routes";
import { INHIBITIONS, VOLUMES } from "../../policy/security";
import { enabled, fileContext, resolved, stack } from "../support";

const DOMAIN = "media.example.com";
const PROMTOOL_TESTS = path.join(__dirname, "..", "..", "promtool");
const all = () => enabled(stack());
const defaults: AlertingConfig = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };

let tmp: string;
beforeAll(() => {
    for (const [b, pkg] of [["promtool", "prometheus"], ["amtool", "prometheus-alertmanager"], ["prometheus-blackbox-exporter", "prometheus-blackbox-exporter"]]) requireBinary(b, pkg);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-monitoring-unit-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dir(name: string): string {
    const d = fs.mkdtempSync(path.join(tmp, `${name}-`));
    return d;
}

/** Prometheus relabel regexes are anchored at both ends (RE2, like JS for these patterns). */
function relabel(rule: { source_labels?: string[]; regex?: string; replacement?: string }, labels: Record<string, string>): string | undefined {
    const value = (rule.source_labels ?? []).map((l) => labels[l] ?? "").join(";");
    const m = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(value);
    return m ? (rule.replacement ?? "$1").replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? "") : undefined;
}

describe("Prometheus configuration (unit)", () => {
    it("one job per enabled exporter, named after its service, at the catalog's port and path", () => {
        const c = prometheusConfig(DOMAIN, all());
        const jobs = c.scrape_configs.filter((j) => j.job_name !== "blackbox");
        const expected = CATALOG.filter((s) => s.metrics && all().includes(s.name));
        expect(jobs.map((j) => [j.job_name, j.static_configs[0].targets, j.metrics_path])).toEqual(
            expected.map((s) => [s.name, [`${s.name}:${s.metrics!.port}`], s.metrics!.path]),
        );
        expect(jobs.length).toBeGreaterThan(10);
        expect(prometheusConfig(DOMAIN, ["prometheus", "sonarr"]).scrape_configs.map((j) => j.job_name)).toEqual(["prometheus"]);
        expect(c.global).toEqual({ scrape_interval: "30s", scrape_timeout: "10s", evaluation_interval: "30s" });
        expect(c.rule_files).toEqual(["rules/*.yml"]);
    });

    it("names exactly the config and data trees' filesystems `volume` (the disk alerts' label)", () => {
        const job = prometheusConfig(DOMAIN, all()).scrape_configs.find((j) => j.job_name === "node-exporter")!;
        expect(job.metric_relabel_configs).toHaveLength(1);
        const rule = job.metric_relabel_configs![0];
        expect(rule.target_label).toBe("volume");
        for (const [mountpoint, volume] of Object.entries(VOLUMES)) expect({ mountpoint, volume: relabel(rule, { mountpoint }) }).toEqual({ mountpoint, volume });
        expect(prometheusConfig(DOMAIN, all()).scrape_configs.filter((j) => j.metric_relabel_configs).map((j) => j.job_name)).toEqual(["node-exporter"]);
    });

    it("probes each route once a minute through the blackbox exporter, on its reviewed path and statuses", () => {
        const job = prometheusConfig(DOMAIN, all()).scrape_configs.find((j) => j.job_name === "blackbox")!;
        expect({ ...job, static_configs: undefined }).toEqual({
            job_name: "blackbox",
            scrape_interval: "1m",
            metrics_path: "/probe",
            static_configs: undefined,
            relabel_configs: [
                { source_labels: ["__address__"], target_label: "__param_target" },
                { source_labels: ["__param_target"], target_label: "instance" },
                { target_label: "__address__", replacement: BLACKBOX_ADDRESS },
            ],
        });
        expect(BLACKBOX_ADDRESS).toBe("blackbox-exporter:9115");
        const byUrl = Object.fromEntries(job.static_configs.map((s) => [s.targets.join(), s.labels]));
        expect(job.static_configs.every((s) => s.targets.length === 1)).toBe(true);
        const expected = Object.fromEntries(
            Object.entries(PROBES).map(([sub, p]) => [`https://${sub}.${DOMAIN}${p.path}`, { service: CATALOG.find((s) => s.route?.subdomain === sub)!.name, __param_module: `http_${p.status.join("_")}` }]),
        );
        expect(byUrl).toEqual(expected);
        expect(prometheusConfig(DOMAIN, all().filter((n) => n !== "blackbox-exporter")).scrape_configs.some((j) => j.job_name === "blackbox")).toBe(false);
    });

    it("sends alerts to Alertmanager only when it runs", () => {
        expect(prometheusConfig(DOMAIN, all()).alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
        expect(prometheusConfig(DOMAIN, all().filter((n) => n !== "alertmanager")).alerting).toBeUndefined();
    });

    it("promtool accepts the files it writes and finds every rule file", () => {
        const files = prometheusFiles(fileContext(stack()));
        const groups = ruleGroups(all());
        expect(files.map((f) => f.path)).toEqual(["etc/prometheus.yml", ...groups.map((g) => `etc/${ruleFilePath(g)}`)]);
        const d = dir("prom");
        for (const f of files) {
            fs.mkdirSync(path.dirname(path.join(d, f.path)), { recursive: true });
            fs.writeFileSync(path.join(d, f.path), f.content as string);
        }
        const r = runProgram("promtool", ["check", "config", "prometheus.yml"], { cwd: path.join(d, "etc") });
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining(`${groups.length} rule files found`) });
    });
});

describe("alert rules (unit)", () => {
    it("the committed promtool cases pass on the rules as generated now (each alert fires when it should, and only then)", () => {
        const d = dir("rules");
        fs.mkdirSync(path.join(d, "rules"));
        const groups = [...RULE_GROUPS, expectedContainers(["sonarr", "radarr", "qbittorrent"]), BACKUP_RULES, updateRules(14), ...securityRuleGroups(all())];
        for (const g of groups) fs.writeFileSync(path.join(d, ruleFilePath(g)), serializeRuleGroup(g));
        const tests = fs.readdirSync(PROMTOOL_TESTS).filter((f) => f.endsWith(".test.yml")).sort();
        expect(tests.map((t) => t.replace(".test.yml", ""))).toEqual(groups.map((g) => g.name).sort());
        for (const t of tests) fs.copyFileSync(path.join(PROMTOOL_TESTS, t), path.join(d, t));
        const r = runProgram("promtool", ["test", "rules", ...tests], { cwd: d });
        if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.out}`);
        expect(r.out.match(/SUCCESS/g)?.length).toBe(tests.length);
    });

    it("every rule names a severity receivers route on and a scope, and has text for the person paged", () => {
        for (const rule of ruleGroups(all(), true).flatMap((g) => g.rules)) {
            expect({ alert: rule.alert, severity: ["warning", "critical", "none"].includes(rule.labels.severity) }).toEqual({ alert: rule.alert, severity: true });
            expect(rule.annotations.summary.length).toBeGreaterThan(10);
            expect(rule.annotations.description.length).toBeGreaterThan(20);
        }
        const fixed = ["host", "containers", "targets", "apps", "probes", "monitoring", "expected-containers"];
        expect(ruleGroups(all()).map((g) => g.name)).toEqual([...fixed, "updates", "security", "edge"]);
        expect(ruleGroups(all(), true).map((g) => g.name)).toEqual([...fixed, "backup", "updates", "security", "edge"]);
        expect(ruleGroups(all().filter((s) => s !== "diun"), true).map((g) => g.name)).toEqual([...fixed, "backup", "security", "edge"]);
        expect(ruleGroups(all().filter((s) => s !== "node-exporter")).map((g) => g.name)).toEqual([...fixed, "security", "edge"]);
        // Each alert only where its source runs: no fail2ban exporter, no ban alerts; no mtail, no traffic alerts.
        const alerts = (enabled: ReturnType<typeof all>) => securityRuleGroups(enabled).flatMap((g) => g.rules.map((r) => r.alert));
        expect(alerts(all().filter((s) => s !== "fail2ban-exporter"))).toEqual(["AuthFailuresSpike", "PublicRouteErrors", "PublicRouteSlow", "EdgeMetricsSilent", "AvailabilityBurnFast", "AvailabilityBurnSlow"]);
        expect(alerts(all().filter((s) => s !== "mtail"))).toEqual(["AuthFailuresSpike", "CredentialStuffing", "BanStorm", "Fail2banBlind", "AvailabilityBurnFast", "AvailabilityBurnSlow"]);
        expect(ruleGroups(all(), false, 30).find((g) => g.name === "updates")!.rules[1].expr).toMatch(/ > 2592000$/);
    });

    it("one ContainerDown per enabled container, in catalog order, naming it", () => {
        const g = expectedContainers(["radarr", "sonarr"]);
        expect(g.name).toBe("expected-containers");
        expect(g.rules.map((r) => [r.alert, r.labels, r.for])).toEqual([
            ["ContainerDown", { severity: "critical", scope: "service", container: "sonarr" }, "3m"],
            ["ContainerDown", { severity: "critical", scope: "service", container: "radarr" }, "3m"],
        ]);
        expect(g.rules[0].annotations).toEqual({
            summary: "sonarr is not running",
            description: "The sonarr container has been missing from cAdvisor, or kept restarting, for 3 minutes: docker ps -a --filter name=sonarr; docker logs sonarr.",
        });
        expect(expectedContainers(all()).rules).toHaveLength(all().length);
        expect(ruleFilePath(g)).toBe("rules/expected-containers.yml");
        expect(yaml.load(serializeRuleGroup(g))).toEqual({ groups: [{ name: "expected-containers", rules: g.rules }] });
    });
});

describe("Alertmanager configuration (unit)", () => {
    const full: AlertingConfig = {
        ...defaults,
        email: { to: ["me@example.com", "you@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts@example.com", requireTls: true, minSeverity: "warning" },
        webhook: { url: "https://hooks.example.com/am", token: true, minSeverity: "critical" },
        ntfy: { url: "https://ntfy.sh/topic", token: true, minSeverity: "warning" },
        discord: { minSeverity: "critical" },
        heartbeatUrl: "https://hc-ping.com/uuid",
    };

    it("without receivers: everything to the null receiver, grouped, with the reviewed inhibitions", () => {
        expect(alertmanagerConfig(defaults)).toEqual({
            global: { resolve_timeout: "5m" },
            route: { receiver: "null", group_by: ["alertname", "severity"], group_wait: "30s", group_interval: "5m", repeat_interval: "4h" },
            inhibit_rules: INHIBITIONS,
            receivers: [{ name: "null" }],
        });
    });

    it("every receiver, each from its minimum severity, secrets only as files under its etc/", () => {
        const c = alertmanagerConfig(full);
        expect(c.global).toEqual({
            resolve_timeout: "5m",
            smtp_smarthost: "smtp.example.com:587",
            smtp_from: "alerts@example.com",
            smtp_auth_username: "alerts@example.com",
            smtp_auth_password_file: "/etc/alertmanager/secrets/smtp-password",
            smtp_require_tls: true,
        });
        const receiverRoutes = [
            { receiver: "email", matchers: ['severity=~"critical|warning"'], continue: true },
            { receiver: "webhook", matchers: ['severity="critical"'], continue: true },
            { receiver: "ntfy", matchers: ['severity=~"critical|warning"'], continue: true },
            { receiver: "discord", matchers: ['severity="critical"'], continue: true },
        ];
        expect(c.route.routes).toEqual([
            { receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
            // Update notices: the same receivers, once a week, one message per alert name.
            { receiver: "null", matchers: ['alertname=~"ImageUpdateAvailable|ImageUpdateOverdue"'], group_by: ["alertname"], repeat_interval: "168h", routes: receiverRoutes },
            ...receiverRoutes,
        ]);
        const bearer = (f: string) => ({ authorization: { type: "Bearer", credentials_file: `${ALERTMANAGER_ETC}/secrets/${f}` } });
        expect(c.receivers).toEqual([
            { name: "null" },
            { name: "heartbeat", webhook_configs: [{ url: "https://hc-ping.com/uuid", send_resolved: false }] },
            { name: "email", email_configs: [{ to: "me@example.com, you@example.com", send_resolved: true }] },
            { name: "webhook", webhook_configs: [{ url: "https://hooks.example.com/am", send_resolved: true, http_config: bearer("webhook-token") }] },
            { name: "ntfy", webhook_configs: [{ url: "https://ntfy.sh/topic?template=alertmanager", send_resolved: true, http_config: bearer("ntfy-token") }] },
            {
                name: "discord",
                slack_configs: [
                    {
                        api_url_file: "/etc/alertmanager/secrets/discord-url",
                        send_resolved: true,
                        title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
                        text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
                    },
                ],
            },
        ]);
    });

    it("no login, no token: no password file and no bearer", () => {
        const c = alertmanagerConfig({
            ...defaults,
            email: { to: ["me@example.com"], from: "a@example.com", smarthost: "relay.lan:25", requireTls: false, minSeverity: "critical" },
            webhook: { url: "https://h.example.com/x", token: false, minSeverity: "warning" },
            ntfy: { url: "https://ntfy.sh/t", token: false, minSeverity: "critical" },
        });
        expect(c.global).toEqual({ resolve_timeout: "5m", smtp_smarthost: "relay.lan:25", smtp_from: "a@example.com", smtp_require_tls: false });
        expect(c.receivers.flatMap((r) => r.webhook_configs ?? [])).toEqual([
            { url: "https://h.example.com/x", send_resolved: true },
            { url: "https://ntfy.sh/t?template=alertmanager", send_resolved: true },
        ]);
        expect(c.route.routes!.map((r) => r.matchers![0])).toEqual(['alertname=~"ImageUpdateAvailable|ImageUpdateOverdue"', 'severity="critical"', 'severity=~"critical|warning"', 'severity="critical"']);
    });

    it("Discord's Slack endpoint from any spelling of its webhook URL", () => {
        expect(discordSlackUrl(" https://discord.com/api/webhooks/1/a/ ")).toBe("https://discord.com/api/webhooks/1/a/slack");
        expect(discordSlackUrl("https://discord.com/api/webhooks/1/a//")).toBe("https://discord.com/api/webhooks/1/a/slack");
        expect(discordSlackUrl("https://discord.com/api/webhooks/1/a/slack")).toBe("https://discord.com/api/webhooks/1/a/slack");
    });

    it("files: the config, and one secret file per receiver secret; amtool accepts them", async () => {
        const secrets = {
            alertingSmtpPassword: pulumi.secret(" smtp-pass \n"),
            alertingWebhookToken: pulumi.secret("wh-token"),
            alertingNtfyToken: pulumi.secret("tk_ntfy\n"),
            alertingDiscordUrl: pulumi.secret("https://discord.com/api/webhooks/1/a"),
        };
        const config = { ...stack(), alerting: full, secrets };
        const files = alertmanagerFiles(fileContext(config));
        expect(files.map((f) => [f.path, f.secret === true])).toEqual([
            ["etc/alertmanager.yml", false],
            ["etc/secrets/smtp-password", true],
            ["etc/secrets/webhook-token", true],
            ["etc/secrets/ntfy-token", true],
            ["etc/secrets/discord-url", true],
        ]);
        const d = dir("am");
        for (const f of files) {
            fs.mkdirSync(path.dirname(path.join(d, f.path)), { recursive: true });
            fs.writeFileSync(path.join(d, f.path), await resolved(f.content as pulumi.Input<string>));
        }
        expect(fs.readFileSync(path.join(d, "etc/secrets/smtp-password"), "utf8")).toBe("smtp-pass");
        expect(fs.readFileSync(path.join(d, "etc/secrets/ntfy-token"), "utf8")).toBe("tk_ntfy");
        expect(fs.readFileSync(path.join(d, "etc/secrets/discord-url"), "utf8")).toBe("https://discord.com/api/webhooks/1/a/slack");
        for (const f of files.slice(1)) expect(await pulumi.isSecret(pulumi.output(f.content))).toBe(true);
        const r = runProgram("amtool", ["check-config", "alertmanager.yml"], { cwd: path.join(d, "etc") });
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringMatching(/SUCCESS[\s\S]*3 inhibit rules[\s\S]*6 receivers/) });
        expect(alertmanagerFiles(fileContext(stack())).map((f) => f.path)).toEqual(["etc/alertmanager.yml"]);
    });

    it("a receiver secret that validation should have required is an error, not an empty file", () => {
        const config = { ...stack(), alerting: { ...defaults, discord: { minSeverity: "critical" as const } }, secrets: {} };
        expect(() => alertmanagerFiles(fileContext(config))).toThrow("alertingDiscordUrl is not set although alerting uses it");
    });
});

describe("probes and the blackbox exporter (unit)", () => {
    it("one target per routed app under its public name, on the reviewed path and statuses", () => {
        const targets = probeTargets(DOMAIN, all());
        expect(Object.fromEntries(targets.map((t) => [t.fqdn.replace(`.${DOMAIN}`, ""), { path: t.url.replace(`https://${t.fqdn}`, ""), status: [...t.status] }]))).toEqual(PROBES);
        for (const t of targets) expect(t.module).toBe(probeModule(t.status));
        expect(targets.map((t) => t.service)).toEqual(CATALOG.filter((s) => s.route).map((s) => s.name));
        expect(probeTargets(DOMAIN, ["sonarr", "redis"]).map((t) => t.url)).toEqual([`https://sonarr.${DOMAIN}/ping`]);
        expect(DEFAULT_PROBE_STATUS).toEqual([200]);
    });

    it("a module per status set, named by its sorted statuses; never following a redirect; TLS verified unless self-signed", () => {
        expect(probeModule([401, 200])).toBe("http_200_401");
        const c = blackboxConfig(false, [[200], [401, 200]]);
        expect(c).toEqual({
            modules: {
                http_200: { prober: "http", timeout: "10s", http: { method: "GET", valid_status_codes: [200], follow_redirects: false, fail_if_not_ssl: true, preferred_ip_protocol: "ip4", tls_config: { insecure_skip_verify: false } } },
                http_200_401: { prober: "http", timeout: "10s", http: { method: "GET", valid_status_codes: [200, 401], follow_redirects: false, fail_if_not_ssl: true, preferred_ip_protocol: "ip4", tls_config: { insecure_skip_verify: false } } },
            },
        });
        expect(blackboxConfig(true, [[200]]).modules.http_200.http.tls_config.insecure_skip_verify).toBe(true);
    });

    it("files: the modules the stack's probes use; the exporter accepts them", () => {
        const prod = stack({ tls: { mode: "letsencrypt", challenge: "http" } });
        const files = blackboxFiles(fileContext(prod));
        expect(files.map((f) => f.path)).toEqual(["etc/config.yml"]);
        const c = yaml.load(files[0].content as string) as ReturnType<typeof blackboxConfig>;
        expect(Object.keys(c.modules).sort()).toEqual(["http_200", "http_401"]);
        expect(c.modules.http_200.http.tls_config.insecure_skip_verify).toBe(false);
        expect((yaml.load(blackboxFiles(fileContext(stack({ domain: "media.localhost" })))[0].content as string) as ReturnType<typeof blackboxConfig>).modules.http_200.http.tls_config.insecure_skip_verify).toBe(true);
        const d = dir("bb");
        fs.writeFileSync(path.join(d, "config.yml"), files[0].content as string);
        const r = runProgram("prometheus-blackbox-exporter", ["--config.check", `--config.file=${path.join(d, "config.yml")}`]);
        expect({ code: r.code, ok: r.out.includes("Config file is ok") }).toEqual({ code: 0, ok: true });
    });
});

describe("Grafana provisioning (unit)", () => {
    it("one read-only Prometheus datasource by a fixed uid, and a provider that UI saves cannot diverge from", () => {
        expect(datasources()).toEqual({
            apiVersion: 1,
            datasources: [{ name: "Prometheus", uid: "prometheus", type: "prometheus", access: "proxy", url: "http://prometheus:9090", isDefault: true, editable: false, jsonData: { timeInterval: "30s" } }],
        });
        expect(PROMETHEUS_DATASOURCE_UID).toBe("prometheus");
        expect(dashboardProviders()).toEqual({
            apiVersion: 1,
            providers: [{ name: "monsterr", folder: "Monsterr", type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: "/etc/grafana/provisioning/dashboards/json" } }],
        });
    });

    it("the repo's dashboards, sorted, parsed; a broken one fails the plan", () => {
        expect([...dashboards().keys()]).toEqual(["containers.json", "host.json", "media-stack.json", "monsterr.json"]);
        const d = dir("dash");
        fs.writeFileSync(path.join(d, "b.json"), '{"title":"b"}');
        fs.writeFileSync(path.join(d, "a.json"), '{"title":"a"}');
        fs.writeFileSync(path.join(d, "notes.txt"), "not a dashboard");
        expect([...dashboards(d)]).toEqual([["a.json", { title: "a" }], ["b.json", { title: "b" }]]);
        fs.writeFileSync(path.join(d, "c.json"), "{");
        expect(() => dashboards(d)).toThrow(SyntaxError);
        expect(DASHBOARD_DIR).toBe(path.resolve(__dirname, "../../../monitoring/dashboards"));
    });

    it("files: datasource, provider and each dashboard as formatted JSON", () => {
        const files = grafanaFiles(fileContext(stack()));
        expect(files.map((f) => f.path)).toEqual([
            "provisioning/datasources/prometheus.yml",
            "provisioning/dashboards/monsterr.yml",
            "provisioning/dashboards/json/containers.json",
            "provisioning/dashboards/json/host.json",
            "provisioning/dashboards/json/media-stack.json",
            "provisioning/dashboards/json/monsterr.json",
        ]);
        expect(yaml.load(files[0].content as string)).toEqual(datasources());
        expect(yaml.load(files[1].content as string)).toEqual(dashboardProviders());
        const host = fs.readFileSync(path.join(DASHBOARD_DIR, "host.json"), "utf8");
        expect(files[3].content).toBe(JSON.stringify(JSON.parse(host), null, 2) + "\n");
    });
});
