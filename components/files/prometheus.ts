import { toYaml } from "./yaml";
import { CATALOG, ServiceName, ServiceSpec, spec } from "../../config/catalog";
import { hostNames, hostOf, placementOf, privatePort } from "../../config/placement";
import { EDGE_HOST } from "../../config/types";
import { privateAddressOf } from "../crossHost";
import { ruleFilePath, ruleGroups, serializeRuleGroup } from "./alertingRules";
import { probeTargets } from "./probes";
import { FileBuilder } from "./types";

interface StaticConfig {
    targets: string[];
    labels?: Record<string, string>;
}

interface RelabelConfig {
    source_labels?: string[];
    regex?: string;
    target_label: string;
    replacement?: string;
}

export interface ScrapeConfig {
    job_name: string;
    scrape_interval?: string;
    metrics_path?: string;
    static_configs: StaticConfig[];
    relabel_configs?: RelabelConfig[];
    metric_relabel_configs?: RelabelConfig[];
}

export interface PrometheusConfig {
    global: { scrape_interval: string; scrape_timeout: string; evaluation_interval: string };
    /** Relative to prometheus.yml, so the tree can be checked anywhere (tests copy it to a temp folder). */
    rule_files: string[];
    alerting?: { alertmanagers: { static_configs: StaticConfig[] }[] };
    scrape_configs: ScrapeConfig[];
}

export const BLACKBOX_ADDRESS = "blackbox-exporter:9115";

/** Where the services of a stack with several hosts run, as Prometheus on the edge host reaches them. */
export interface ScrapePlacement {
    hostOf(service: ServiceName): string;
    privateAddress(host: string): string;
    /** The hosts besides the edge host, each running its own node-exporter and cAdvisor. */
    otherHosts: string[];
}

/** A job's targets: by name on the edge host, at the private address elsewhere; each labelled with its host. */
function targetsOf(s: ServiceSpec, where?: ScrapePlacement): StaticConfig[] {
    const port = s.metrics!.port;
    if (!where) return [{ targets: [`${s.name}:${port}`] }];
    const at = (host: string): StaticConfig => ({
        targets: [host === EDGE_HOST ? `${s.name}:${port}` : `${where.privateAddress(host)}:${privatePort(s, port)}`],
        ...(s.metrics!.ownLabels?.includes("host") ? {} : { labels: { host } }),
    });
    return placementOf(s) === "everyHost" ? [EDGE_HOST, ...where.otherHosts].map(at) : [at(where.hostOf(s.name))];
}

/** Jobs are named after the services, so alert rules and dashboards can name them (`up{job="node-exporter"}`). */
export function prometheusConfig(domain: string, enabled: readonly ServiceName[], where?: ScrapePlacement): PrometheusConfig {
    const scrape: ScrapeConfig[] = CATALOG.filter((s) => s.metrics && enabled.includes(s.name)).map((s) => ({
        job_name: s.name,
        metrics_path: s.metrics!.path,
        static_configs: targetsOf(s, where),
        ...(s.name === "node-exporter"
            ? {
                  // node-exporter sees the two trees at fixed paths (catalog); name them for the disk alerts.
                  metric_relabel_configs: [{ source_labels: ["mountpoint"], regex: "/monsterr/(config|data)", target_label: "volume", replacement: "$1" }],
              }
            : {}),
    }));
    if (enabled.includes("blackbox-exporter")) {
        scrape.push({
            job_name: "blackbox",
            // Every probe crosses the proxy and Authelia: once a minute is enough and keeps their logs readable.
            scrape_interval: "1m",
            metrics_path: "/probe",
            // One target per app; its module (the statuses that mean "up") travels as a label into the URL params.
            static_configs: probeTargets(domain, enabled).map((t) => ({ targets: [t.url], labels: { service: t.service, __param_module: t.module } })),
            relabel_configs: [
                { source_labels: ["__address__"], target_label: "__param_target" },
                { source_labels: ["__param_target"], target_label: "instance" },
                { target_label: "__address__", replacement: BLACKBOX_ADDRESS },
            ],
        });
    }
    return {
        global: { scrape_interval: "30s", scrape_timeout: "10s", evaluation_interval: "30s" },
        rule_files: ["rules/*.yml"],
        ...(enabled.includes("alertmanager") ? { alerting: { alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] } } : {}),
        scrape_configs: scrape,
    };
}

export function serializePrometheusConfig(config: PrometheusConfig): string {
    return toYaml(config);
}

/** prometheus.yml and one rule file per group, under etc/ (mounted read-only at /etc/prometheus). */
export const prometheusFiles: FileBuilder = ({ config, enabled }) => [
    {
        path: "etc/prometheus.yml",
        content: serializePrometheusConfig(
            prometheusConfig(
                config.domain,
                enabled,
                Object.keys(config.hosts).length ? { hostOf: (n) => hostOf(config, n), privateAddress: (h) => privateAddressOf(config, h), otherHosts: Object.keys(config.hosts) } : undefined,
            ),
        ),
    },
    ...ruleGroups(
        enabled,
        config.backup.enabled && enabled.includes("node-exporter"),
        config.monitoring.updatesOverdueDays,
        Object.keys(config.hosts).length ? (n) => (placementOf(spec(n)) === "everyHost" ? hostNames(config) : [hostOf(config, n)]) : undefined,
    ).map((g) => ({ path: `etc/${ruleFilePath(g)}`, content: serializeRuleGroup(g) })),
];
