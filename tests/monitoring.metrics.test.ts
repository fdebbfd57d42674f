import * as yaml from "js-yaml";
import { METRICS } from "./policy/metrics";
import { plan } from "./support/plan";

/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "group", "count_values",
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "absent", "absent_over_time",
    "count_over_time", "sum_over_time", "avg_over_time", "max_over_time", "min_over_time", "last_over_time",
    "present_over_time", "quantile_over_time", "histogram_quantile", "label_replace", "label_join", "time", "vector",
    "scalar", "clamp_min", "clamp_max", "round", "abs", "ceil", "floor", "sort", "sort_desc", "predict_linear",
]);

/** The metric names an expression reads: bare selectors, and `{__name__=~"(a|b)_suffix"}` alternatives. */
export function metricNames(expr: string): string[] {
    const names = new Set<string>();
    for (const m of expr.matchAll(/__name__=~"\(([^)]+)\)([A-Za-z0-9_]*)"/g)) for (const alt of m[1].split("|")) names.add(`${alt}${m[2]}`);
    // Grouping labels, label matchers, strings, durations and Grafana variables are not names; a word before `(` is a function.
    const bare = expr
        .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
        .replace(/\{[^}]*\}/g, " ")
        .replace(/"[^"]*"/g, " ")
        .replace(/\[[^\]]*\]/g, " ")
        .replace(/\$\w+/g, " ");
    for (const m of bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)) if (!KEYWORDS.has(m[1])) names.add(m[1]);
    return [...names].filter((n) => !KEYWORDS.has(n));
}

describe("every panel and alert reads metrics the pinned exporters export (tests/policy/metrics.ts)", () => {
    it("parses the names out of PromQL as expected", () => {
        expect(metricNames('sum by (job) ({__name__=~"(sonarr|radarr)_queue_total"}) or sum by (job) (up{job=~"x"}) * 0').sort()).toEqual(["radarr_queue_total", "sonarr_queue_total", "up"]);
        expect(metricNames("100 * (1 - node_filesystem_avail_bytes{volume!=\"\"} / node_filesystem_size_bytes{volume!=\"\"})").sort()).toEqual(["node_filesystem_avail_bytes", "node_filesystem_size_bytes"]);
        expect(metricNames("sum by (device) (rate(node_disk_read_bytes_total[$__rate_interval]))")).toEqual(["node_disk_read_bytes_total"]);
        expect(metricNames('{__name__=~"(sonarr|prowlarr)_queue_total"}')).toContain("prowlarr_queue_total");
    });

    it("for every dashboard query and every alert rule of the prod plan", async () => {
        const p = await plan("prod");
        const exprs: { where: string; expr: string }[] = [];
        for (const [file, content] of p.files) {
            if (file.includes("/grafana/provisioning/dashboards/json/")) {
                for (const panel of (JSON.parse(content) as { title: string; targets: { expr: string }[] }[] & { panels: { title: string; targets: { expr: string }[] }[] }).panels) {
                    for (const t of panel.targets) exprs.push({ where: `${file.split("/").pop()}: ${panel.title}`, expr: t.expr });
                }
            }
            if (file.includes("/prometheus/etc/rules/")) {
                for (const g of (yaml.load(content) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups) for (const r of g.rules) exprs.push({ where: `rule ${r.alert}`, expr: r.expr });
            }
        }
        expect(exprs.length).toBeGreaterThan(40);
        const unknown = exprs.flatMap(({ where, expr }) => metricNames(expr).filter((n) => !METRICS[n]).map((n) => `${where}: ${n}`));
        expect([...new Set(unknown)]).toEqual([]);
    });
});
