import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../config/projectRoot";
import { toYaml } from "./yaml";
import { FileBuilder } from "./types";

/** Dashboards are kept as JSON in the repo, edited in Grafana and exported back. */
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, "monitoring", "dashboards");
/** The provisioning folder is mounted read-only at /etc/grafana/provisioning (catalog). */
const PROVISIONING = "/etc/grafana/provisioning";
/** Dashboards name the datasource by this uid, so they work in any Grafana this provisions. */
export const PROMETHEUS_DATASOURCE_UID = "prometheus";

export interface DatasourcesFile {
    apiVersion: 1;
    datasources: { name: string; uid: string; type: "prometheus"; access: "proxy"; url: string; isDefault: boolean; editable: boolean; jsonData: { timeInterval: string } }[];
}

export interface DashboardProvidersFile {
    apiVersion: 1;
    providers: { name: string; folder: string; type: "file"; disableDeletion: boolean; allowUiUpdates: boolean; options: { path: string } }[];
}

export function datasources(): DatasourcesFile {
    return {
        apiVersion: 1,
        datasources: [
            // timeInterval matches Prometheus' scrape interval, so $__rate_interval covers at least four samples.
            { name: "Prometheus", uid: PROMETHEUS_DATASOURCE_UID, type: "prometheus", access: "proxy", url: "http://prometheus:9090", isDefault: true, editable: false, jsonData: { timeInterval: "30s" } },
        ],
    };
}

export function dashboardProviders(): DashboardProvidersFile {
    return {
        apiVersion: 1,
        providers: [
            // Read-only in the UI: the repo is the source of truth, and a UI save would be lost on the next write.
            { name: "monsterr", folder: "Monsterr", type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: `${PROVISIONING}/dashboards/json` } },
        ],
    };
}

/** The repo's dashboards, by file name, parsed (so a broken file fails the plan, not Grafana at runtime). */
export function dashboards(dir = DASHBOARD_DIR): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
        out.set(file, JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>);
    }
    return out;
}

export const grafanaFiles: FileBuilder = () => [
    { path: "provisioning/datasources/prometheus.yml", content: toYaml(datasources()) },
    { path: "provisioning/dashboards/monsterr.yml", content: toYaml(dashboardProviders()) },
    ...[...dashboards()].map(([file, d]) => ({ path: `provisioning/dashboards/json/${file}`, content: JSON.stringify(d, null, 2) + "\n" })),
];
