import { toYaml } from "./yaml";
import { CATALOG, ServiceName } from "../../config/catalog";
import { RULE_GROUPS, ruleFilePath, serializeRuleGroup } from "./alertingRules";
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
    params?: Record<string, string[]>;
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

/** Paths that answer without a login where `/` does not (Plex answers 401 to anonymous visitors). */
const PROBE_PATHS: Partial<Record<ServiceName, string>> = { plex: "/identity" };

export const BLACKBOX_ADDRESS = "blackbox-exporter:9115";

/** Every public URL of the enabled services, as a visitor reaches it through the proxy and Authelia. */
export function publicUrls(domain: string, enabled: readonly ServiceName[]): { service: ServiceName; url: string }[] {
    return CATALOG.filter((s) => s.route && enabled.includes(s.name)).map((s) => ({
        service: s.name,
        url: `https://${s.route!.subdomain}.${domain}${PROBE_PATHS[s.name] ?? "/"}`,
    }));
}

/** Jobs are named after the services, so alert rules and dashboards can name them (`up{job="node-exporter"}`). */
export function prometheusConfig(domain: string, enabled: readonly ServiceName[]): PrometheusConfig {
    const scrape: ScrapeConfig[] = CATALOG.filter((s) => s.metrics && enabled.includes(s.name)).map((s) => ({
        job_name: s.name,
        ...(s.metrics!.path === "/metrics" ? {} : { metrics_path: s.metrics!.path }),
        static_configs: [{ targets: [`${s.name}:${s.metrics!.port}`] }],
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
            // Every probe goes through Authelia: once a minute is enough and keeps its log readable.
            scrape_interval: "1m",
            metrics_path: "/probe",
            params: { module: ["http_2xx"] },
            static_configs: publicUrls(domain, enabled).map((u) => ({ targets: [u.url], labels: { service: u.service } })),
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
    { path: "etc/prometheus.yml", content: serializePrometheusConfig(prometheusConfig(config.domain, enabled)) },
    ...RULE_GROUPS.map((g) => ({ path: `etc/${ruleFilePath(g)}`, content: serializeRuleGroup(g) })),
];
