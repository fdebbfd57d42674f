import { CATALOG, ServiceName } from "../../config/catalog";
import { BAN_STORM_PER_HOST, securityRuleGroups } from "./securityRules";
import { toYaml } from "./yaml";

/**
 * `scope` says what an alert is about (the host, a service, the monitoring itself); `none` severity is routed to no
 * receiver but the heartbeat. Inhibitions (alertmanager.ts) hold back what a blind monitor would report falsely.
 */
export interface AlertRule {
    alert: string;
    expr: string;
    /** Prometheus duration the condition must hold before the alert fires. */
    for?: string;
    labels: { severity: "warning" | "critical" | "none"; scope: "host" | "service" | "monitoring"; container?: string };
    annotations: { summary: string; description: string };
}

export interface RuleGroup {
    /** Also the rule file's name: `rules/<name>.yml`. */
    name: string;
    rules: AlertRule[];
}

/** Jobs are named after catalog services (see prometheus.ts), so the rules can name them. */
const ARR_APPS = "sonarr|radarr|lidarr|prowlarr|readarr";
const diskUsed = '100 * (1 - node_filesystem_avail_bytes{volume!=""} / node_filesystem_size_bytes{volume!=""})';

export const RULE_GROUPS: RuleGroup[] = [
    {
        name: "host",
        rules: [
            {
                // Prometheus runs on the same host: when this fires the host is up, its exporter is not. A dead host
                // silences Prometheus too; the heartbeat (alerting.heartbeatUrl) notices that, from outside.
                alert: "NodeExporterDown",
                expr: 'up{job="node-exporter"} == 0',
                for: "2m",
                labels: { severity: "warning", scope: "monitoring" },
                annotations: {
                    summary: "Host metrics are gone",
                    description: "node-exporter has not answered for 2 minutes: disk and memory alerts cannot fire until it is back (docker logs node-exporter).",
                },
            },
            {
                alert: "DiskUsageHigh",
                expr: `${diskUsed} > 85`,
                for: "10m",
                labels: { severity: "warning", scope: "host" },
                annotations: {
                    summary: "The {{ $labels.volume }} disk is {{ $value | printf \"%.0f\" }}% full",
                    description: "The filesystem holding the {{ $labels.volume }} tree is above 85%. Free space before downloads and databases stall.",
                },
            },
            {
                alert: "DiskUsageCritical",
                expr: `${diskUsed} > 95`,
                for: "5m",
                labels: { severity: "critical", scope: "host" },
                annotations: {
                    summary: "The {{ $labels.volume }} disk is {{ $value | printf \"%.0f\" }}% full",
                    description: "The filesystem holding the {{ $labels.volume }} tree is above 95%: apps will fail to write soon.",
                },
            },
            {
                alert: "MemoryPressure",
                expr: "100 * node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 10",
                for: "10m",
                labels: { severity: "warning", scope: "host" },
                annotations: {
                    summary: "Only {{ $value | printf \"%.0f\" }}% of memory is available",
                    description: "Less than 10% of the host's memory has been available for 10 minutes; the kernel will start killing containers.",
                },
            },
        ],
    },
    {
        name: "containers",
        rules: [
            {
                alert: "ContainerRestarting",
                expr: 'changes(container_start_time_seconds{name!=""}[15m]) >= 3',
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "{{ $labels.name }} restarted {{ $value }} times in 15 minutes",
                    description: "The container keeps crashing; see docker logs {{ $labels.name }}.",
                },
            },
            {
                alert: "ContainerUnhealthy",
                // cAdvisor: 1 healthy, 0 starting or unhealthy, -1 no healthcheck; 5 minutes is longer than any start period.
                expr: 'container_health_state{name!=""} == 0',
                for: "5m",
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "{{ $labels.name }} is unhealthy",
                    description: "Docker's healthcheck of {{ $labels.name }} has failed for 5 minutes; its last results are in docker inspect {{ $labels.name }}.",
                },
            },
            {
                // cAdvisor up but reporting no container at all: its Docker factory did not register (on Docker 29's
                // containerd store it needs containerd's socket), and every container alert would stay silent.
                alert: "CadvisorSeesNoContainers",
                expr: 'up{job="cadvisor"} == 1 unless on() count(container_last_seen{job="cadvisor", name!=""}) > 0',
                for: "10m",
                labels: { severity: "warning", scope: "monitoring" },
                annotations: {
                    summary: "cAdvisor reports no containers",
                    description: "cAdvisor answers but has reported no Docker container for 10 minutes, so container alerts and the Containers dashboard are blind (docker logs cadvisor: look for the Docker or containerd factory).",
                },
            },
        ],
    },
    {
        name: "targets",
        rules: [
            {
                alert: "TargetDown",
                // node-exporter has NodeExporterDown; the blackbox probes have PublicUrlDown.
                expr: 'up{job!~"node-exporter|blackbox"} == 0',
                for: "5m",
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "{{ $labels.job }} does not answer Prometheus",
                    description: "Scraping {{ $labels.instance }} has failed for 5 minutes: the service or its exporter is down.",
                },
            },
        ],
    },
    {
        name: "apps",
        rules: [
            {
                alert: "ArrHealthIssue",
                expr: `{__name__=~"(${ARR_APPS})_system_health_issues", type=~"warning|error"} > 0`,
                for: "15m",
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "{{ $labels.job }}: {{ $labels.message }}",
                    description: "The app reports a {{ $labels.type }} health check from {{ $labels.source }} for 15 minutes. {{ $labels.wikiurl }}",
                },
            },
        ],
    },
    {
        name: "probes",
        rules: [
            {
                alert: "PublicUrlDown",
                expr: 'probe_success{job="blackbox"} == 0',
                for: "5m",
                labels: { severity: "critical", scope: "service" },
                annotations: {
                    summary: "{{ $labels.instance }} is failing",
                    description: "The app has not answered its health path through the proxy (its public name, TLS verified, no redirect followed) for 5 minutes: the app, its proxy host or its certificate is broken.",
                },
            },
            {
                alert: "CertificateExpiring",
                expr: 'probe_ssl_earliest_cert_expiry{job="blackbox"} - time() < 14 * 86400',
                for: "1h",
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "The certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}",
                    description: "Renewal has not happened 14 days before expiry; check the proxy's Let's Encrypt renewals.",
                },
            },
        ],
    },
    {
        name: "monitoring",
        rules: [
            {
                alert: "AlertmanagerNotificationsFailing",
                expr: "rate(alertmanager_notifications_failed_total[15m]) > 0",
                for: "15m",
                labels: { severity: "warning", scope: "monitoring" },
                annotations: {
                    summary: "Alertmanager cannot deliver to {{ $labels.integration }}",
                    description: "Notifications through {{ $labels.integration }} have failed for 15 minutes: check the receiver settings and secrets.",
                },
            },
            {
                alert: "Watchdog",
                expr: "vector(1)",
                labels: { severity: "none", scope: "monitoring" },
                annotations: {
                    summary: "The alerting pipeline is alive",
                    description: "Always firing; sent only to the heartbeat URL, whose silence means the host or the pipeline is down.",
                },
            },
        ],
    },
];

/** Enough samples of a container in 10 minutes at a 30 s scrape interval: fewer than 12 of 20 is a crash loop. */
const SEEN_SAMPLES = 12;

/**
 * One ContainerDown rule per enabled container: gone from cAdvisor (stopped, or dead between restarts), or seen in
 * fewer than 12 of the last 20 scrapes (a crash loop too fast for ContainerRestarting's 30 s samples). The second
 * part waits for 15 minutes of Prometheus' own uptime, so a restarted Prometheus does not page for every container.
 */
export function expectedContainers(enabled: readonly ServiceName[], hosts?: HostsOfServices): RuleGroup {
    // On several hosts each container is expected on its own host (a per-host exporter on each), as that host's
    // cAdvisor reports it: Prometheus labels every target with its host.
    const expected = CATALOG.filter((s) => enabled.includes(s.name)).flatMap((s) => (hosts ? hosts(s.name).map((h) => ({ s, host: h as string | undefined })) : [{ s, host: undefined }]));
    return {
        name: "expected-containers",
        rules: expected.map(({ s, host }) => {
            const series = `container_last_seen{job="cadvisor", name="${s.name}"${host ? `, host="${host}"` : ""}}`;
            return {
                alert: "ContainerDown",
                expr: `absent(${series}) or (sum(count_over_time(${series}[10m])) < ${SEEN_SAMPLES} and on() (time() - max(process_start_time_seconds{job="prometheus"})) > 900)`,
                for: "3m",
                labels: { severity: "critical", scope: "service", container: s.name, ...(host ? { host } : {}) },
                annotations: {
                    summary: `${s.name} is not running${host ? ` on ${host}` : ""}`,
                    description: `The ${s.name} container has been missing from cAdvisor, or kept restarting, for 3 minutes: docker ps -a --filter name=${s.name}; docker logs ${s.name}${host ? ` (on ${host})` : ""}.`,
                },
            };
        }),
    };
}

/** On a stack with several hosts: the hosts each service runs on (a per-host exporter on all of them). */
export type HostsOfServices = (service: ServiceName) => string[];

/**
 * The rules that compare or aggregate across targets, made per host on a stack with several: a blind cAdvisor, an
 * old backup or a wave of bans on one host must not hide behind another host's (or add up across them).
 */
function perHost(groups: RuleGroup[]): RuleGroup[] {
    const rewrite: Record<string, string> = {
        CadvisorSeesNoContainers: 'up{job="cadvisor"} == 1 unless on(host) count by (host) (container_last_seen{job="cadvisor", name!=""}) > 0',
        BanStorm: BAN_STORM_PER_HOST,
        BackupTooOld: `time() - max by (host) (monsterr_backup_last_success_timestamp_seconds{job="node-exporter"} or monsterr_backup_installed_timestamp_seconds{job="node-exporter"}) > ${BACKUP_MAX_AGE_HOURS * 3600}`,
    };
    return groups.map((g) => ({ ...g, rules: g.rules.map((r) => ("alert" in r && rewrite[r.alert] ? { ...r, expr: rewrite[r.alert] } : r)) }));
}

/** A day's backup plus slack for a slow run or a host that was off at the time (the timer catches up). */
export const BACKUP_MAX_AGE_HOURS = 30;

/** The nightly backup's results, from node-exporter's textfile collector (components/files/backup.ts). */
export const BACKUP_RULES: RuleGroup = {
    name: "backup",
    rules: [
        {
            alert: "BackupFailed",
            expr: 'monsterr_backup_last_status{job="node-exporter"} == 0',
            labels: { severity: "critical", scope: "host" },
            annotations: {
                summary: "The last backup failed",
                description: "The nightly restic backup of the config root failed: journalctl -u monsterr-backup.service on the host.",
            },
        },
        {
            // Counted from the install until the first backup, so a new host is not "too old" before its first night.
            alert: "BackupTooOld",
            expr: `time() - max(monsterr_backup_last_success_timestamp_seconds{job="node-exporter"} or monsterr_backup_installed_timestamp_seconds{job="node-exporter"}) > ${BACKUP_MAX_AGE_HOURS * 3600}`,
            for: "30m",
            labels: { severity: "critical", scope: "host" },
            annotations: {
                summary: "No backup for more than a day",
                description: `No successful backup in the last ${BACKUP_MAX_AGE_HOURS} hours: systemctl list-timers monsterr-backup.timer; journalctl -u monsterr-backup.service on the host.`,
            },
        },
        {
            alert: "BackupCheckFailed",
            expr: 'monsterr_backup_check_last_status{job="node-exporter"} == 0',
            labels: { severity: "critical", scope: "host" },
            annotations: {
                summary: "The backup repository failed its check",
                description: "restic check found damage in the backup repository: journalctl -u monsterr-backup-check.service, then restic check --read-data before trusting a restore.",
            },
        },
    ],
};

/**
 * When a newer image than the running pin was first seen, per pinned image: Diun's notes (components/files/diun.ts)
 * joined to the pins the stack deploys now, so notes about an older pin drop out by themselves after an update.
 */
const UPDATE_PENDING_SINCE =
    'min by (image, pinned, services) (monsterr_image_newer_tag_seen_timestamp_seconds{job="node-exporter"} * on (image, pinned) group_left (services) monsterr_image_pinned_info{job="node-exporter"})';

/** Image updates: a notice when one is published, a warning when it has waited too long (`monitoring.updatesOverdueDays`). */
export function updateRules(overdueDays: number): RuleGroup {
    return {
        name: "updates",
        rules: [
            {
                alert: "ImageUpdateAvailable",
                expr: `${UPDATE_PENDING_SINCE} > 0`,
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: "A newer {{ $labels.image }} than {{ $labels.pinned }} is published",
                    description: "Renovate's pull request for it shows the containers the update replaces; merge it and pulumi up (or bump the tag in config/catalog/). Nothing on the host updates by itself.",
                },
            },
            {
                alert: "ImageUpdateOverdue",
                expr: `time() - ${UPDATE_PENDING_SINCE} > ${overdueDays * 86400}`,
                labels: { severity: "warning", scope: "service" },
                annotations: {
                    summary: `{{ $labels.image }} has had an update waiting for more than ${overdueDays} days`,
                    description: `A newer image than {{ $labels.pinned }} was first seen {{ $value | humanizeDuration }} ago and is still not deployed: review and merge its Renovate pull request, then pulumi up.`,
                },
            },
        ],
    };
}

/** Every rule group of a stack: the fixed ones, the containers it deploys, the backup's when it runs, the update notifier's. */
export function ruleGroups(enabled: readonly ServiceName[], backup = false, updatesOverdueDays = 14, hosts?: HostsOfServices): RuleGroup[] {
    const updates = enabled.includes("diun") && enabled.includes("node-exporter");
    const groups = [...RULE_GROUPS, expectedContainers(enabled, hosts), ...(backup ? [BACKUP_RULES] : []), ...(updates ? [updateRules(updatesOverdueDays)] : []), ...securityRuleGroups(enabled)];
    return hosts ? perHost(groups) : groups;
}

export function ruleFilePath(group: RuleGroup): string {
    return `rules/${group.name}.yml`;
}

export function serializeRuleGroup(group: RuleGroup): string {
    return toYaml({ groups: [{ name: group.name, rules: group.rules }] });
}
