import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { expectedContainers, ruleGroups, serializeRuleGroup } from "../components/files/alertingRules";
import { requireBinary, runProgram } from "./support/binaries";
import { Plan, plan } from "./support/plan";

/**
 * Monitoring of a stack with several hosts (Pulumi.split.yaml): Prometheus on the edge host scrapes every host's
 * exporters at their private address, each target labelled with its host, and the rules that compare targets do it
 * per host, so one host's trouble never hides behind another's. Checked with the real promtool.
 */
const PROM = "/opt/monsterr/prometheus/etc";
let split: Plan;
let tmp: string;

type Scrape = { job_name: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] };

beforeAll(async () => {
    requireBinary("promtool", "prometheus");
    split = await plan("split");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-hosts-"));
    for (const [file, content] of split.files) {
        if (!file.startsWith(`${PROM}/`)) continue;
        const target = path.join(tmp, file.slice(PROM.length + 1));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    }
});
afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs one promtool unit test over the rule files given (rules/<group>.yml under tmp). */
function promtoolTest(name: string, ruleFiles: string[], tests: Record<string, unknown>[]): void {
    const file = path.join(tmp, `${name}.test.yml`);
    fs.writeFileSync(file, yaml.dump({ rule_files: ruleFiles, evaluation_interval: "1m", tests }));
    const r = runProgram("promtool", ["test", "rules", path.basename(file)], { cwd: tmp });
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.out}`);
}

describe("monitoring on several hosts (split stack)", () => {
    it("scrapes node-exporter, cAdvisor and the feeder's apps at their private ports, each target labelled with its host", () => {
        const config = yaml.load(split.files.get(`${PROM}/prometheus.yml`)!) as { scrape_configs: Scrape[] };
        const job = (name: string) => config.scrape_configs.find((j) => j.job_name === name)!.static_configs;
        expect(job("node-exporter")).toEqual([
            { targets: ["node-exporter:9100"], labels: { host: "edge" } },
            { targets: ["10.10.0.2:17240"], labels: { host: "feeder" } },
        ]);
        expect(job("cadvisor")).toEqual([
            { targets: ["cadvisor:8080"], labels: { host: "edge" } },
            { targets: ["10.10.0.2:17250"], labels: { host: "feeder" } },
        ]);
        expect(job("fail2ban-exporter")).toEqual([
            { targets: ["fail2ban-exporter:9191"], labels: { host: "edge" } },
            { targets: ["10.10.0.2:17350"], labels: { host: "feeder" } },
        ]);
        expect(job("exportarr-sonarr")).toEqual([{ targets: ["10.10.0.2:17270"], labels: { host: "feeder" } }]);
        expect(job("authelia")).toEqual([{ targets: ["authelia:9959"], labels: { host: "edge" } }]);
        const r = runProgram("promtool", ["check", "config", "--syntax-only", path.join(tmp, "prometheus.yml")]);
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
    });

    it("a blind cAdvisor holds back only its own host's container alerts (amtool)", () => {
        const am = yaml.load(split.files.get("/opt/monsterr/alertmanager/etc/alertmanager.yml")!) as { inhibit_rules: { source_matchers: string[]; equal?: string[] }[] };
        for (const r of am.inhibit_rules.filter((x) => x.source_matchers.some((m) => m.includes("cadvisor") || m.includes("Cadvisor")))) expect(r.equal).toEqual(["host"]);
        const file = path.join(tmp, "alertmanager.yml");
        fs.writeFileSync(file, split.files.get("/opt/monsterr/alertmanager/etc/alertmanager.yml")!);
        const r = runProgram("amtool", ["check-config", file]);
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
    });

    it("promtool check rules accepts every rule file of the split stack", () => {
        const files = fs.readdirSync(path.join(tmp, "rules")).map((f) => path.join("rules", f));
        const r = runProgram("promtool", ["check", "rules", ...files], { cwd: tmp });
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.not.stringContaining("FAILED") });
    });

    it("ContainerDown fires for the feeder's node-exporter while the edge's runs, naming the host", () => {
        fs.writeFileSync(path.join(tmp, "rules", "expected-containers.yml"), serializeRuleGroup(expectedContainers(["node-exporter"], () => ["edge", "feeder"])));
        promtoolTest("per-host-container", ["rules/expected-containers.yml"], [{
            interval: "30s",
            input_series: [
                { series: 'process_start_time_seconds{job="prometheus"}', values: "0x60" },
                { series: 'container_last_seen{job="cadvisor", host="edge", name="node-exporter"}', values: "1+0x60" },
                { series: 'container_last_seen{job="cadvisor", host="feeder", name="node-exporter"}', values: "1+0x10 _x50" },
            ],
            alert_rule_test: [
                { eval_time: "9m", alertname: "ContainerDown", exp_alerts: [] },
                {
                    eval_time: "20m",
                    alertname: "ContainerDown",
                    exp_alerts: [
                        {
                            exp_labels: { severity: "critical", scope: "service", container: "node-exporter", host: "feeder", job: "cadvisor", name: "node-exporter" },
                            exp_annotations: { summary: "node-exporter is not running on feeder", description: "The node-exporter container has been missing from cAdvisor, or kept restarting, for 3 minutes: docker ps -a --filter name=node-exporter; docker logs node-exporter (on feeder)." },
                        },
                    ],
                },
            ],
        }]);
    });

    it("a blind cAdvisor and an old backup are each found on their own host, not hidden by the other host's", () => {
        const groups = ruleGroups(["cadvisor", "node-exporter"], true, 14, () => ["edge", "feeder"]);
        for (const g of groups.filter((x) => ["containers", "backup"].includes(x.name))) fs.writeFileSync(path.join(tmp, "rules", `${g.name}-hosts.yml`), serializeRuleGroup(g));
        const annotations = (alert: string) => groups.flatMap((g) => g.rules).find((r) => "alert" in r && r.alert === alert)!.annotations;
        const minute = 60;
        promtoolTest("per-host-aggregates", ["rules/containers-hosts.yml", "rules/backup-hosts.yml"], [
            {
                // Both cAdvisors answer; only the edge's reports containers.
                interval: "1m",
                input_series: [
                    { series: 'up{job="cadvisor", host="edge"}', values: "1x30" },
                    { series: 'up{job="cadvisor", host="feeder"}', values: "1x30" },
                    { series: 'container_last_seen{job="cadvisor", host="edge", name="sonarr"}', values: "1x30" },
                ],
                alert_rule_test: [{ eval_time: "15m", alertname: "CadvisorSeesNoContainers", exp_alerts: [{ exp_labels: { severity: "warning", scope: "monitoring", job: "cadvisor", host: "feeder" }, exp_annotations: annotations("CadvisorSeesNoContainers") }] }],
            },
            {
                // Every 2 minutes (within Prometheus' 5 minute lookback): the edge has just backed up, the feeder never.
                interval: "2m",
                input_series: [
                    { series: 'monsterr_backup_last_success_timestamp_seconds{job="node-exporter", host="edge"}', values: `0+${2 * minute}x1300` },
                    { series: 'monsterr_backup_last_success_timestamp_seconds{job="node-exporter", host="feeder"}', values: "0x1300" },
                ],
                alert_rule_test: [
                    { eval_time: "20h", alertname: "BackupTooOld", exp_alerts: [] },
                    { eval_time: "40h", alertname: "BackupTooOld", exp_alerts: [{ exp_labels: { severity: "critical", scope: "host", host: "feeder" }, exp_annotations: annotations("BackupTooOld") }] },
                ],
            },
        ]);
    });

    it("a wave of bans is each host's own: one host's storm fires with its name, two quiet hosts do not add up to one", () => {
        const rule = (yaml.load(split.files.get(`${PROM}/rules/security.yml`)!) as { groups: { rules: { alert?: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups[0].rules.find((r) => r.alert === "BanStorm")!;
        expect(rule.expr).toMatch(/^sum by \(host\) \(/);
        const bans = (host: string, perMinute: number) => ({ series: `f2b_jail_banned_total{job="fail2ban-exporter", instance="${host}:9191", host="${host}", jail="sshd"}`, values: `0+${perMinute}x30` });
        const fired = (host: string) => [{ exp_labels: { ...rule.labels, host }, exp_annotations: { summary: "30 addresses banned in 15 minutes", description: rule.annotations.description } }];
        promtoolTest("ban-storm-per-host", ["rules/security.yml"], [
            // 15 new bans in 15 minutes on each host: 30 together, but neither host is under attack.
            { interval: "1m", input_series: [bans("edge", 1), bans("feeder", 1)], alert_rule_test: [{ eval_time: "20m", alertname: "BanStorm", exp_alerts: [] }] },
            // 30 on the feeder alone, none at the edge.
            { interval: "1m", input_series: [bans("edge", 0), bans("feeder", 2)], alert_rule_test: [{ eval_time: "20m", alertname: "BanStorm", exp_alerts: fired("feeder") }] },
        ]);
    });
});
