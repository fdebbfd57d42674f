/**
 * Every metric the dashboards and alert rules read, with the exporter and pinned version whose source defines it
 * (file and line as read there). A panel or rule over a metric not listed here can never show data.
 */
export const METRICS: Record<string, string> = {
    up: "Prometheus itself (every scrape)",
    process_start_time_seconds: "Prometheus v3.14.0 (client_golang process collector)",
    // cAdvisor v0.60.5, lib/metrics/prometheus.go
    container_health_state: "cadvisor v0.60.5 lib/metrics/prometheus.go:138",
    container_start_time_seconds: "cadvisor v0.60.5 lib/metrics/prometheus.go:2297",
    container_last_seen: "cadvisor v0.60.5 lib/metrics/prometheus.go (always registered)",
    container_cpu_usage_seconds_total: "cadvisor v0.60.5 lib/metrics/prometheus.go:180 (cpu)",
    container_memory_working_set_bytes: "cadvisor v0.60.5 lib/metrics/prometheus.go:531 (memory)",
    container_network_receive_bytes_total: "cadvisor v0.60.5 lib/metrics/prometheus.go:1066 (network)",
    container_network_transmit_bytes_total: "cadvisor v0.60.5 lib/metrics/prometheus.go:1142 (network)",
    // node-exporter v1.12.1
    node_memory_MemAvailable_bytes: "node_exporter v1.12.1 collector/meminfo_linux.go:120",
    node_memory_MemTotal_bytes: "node_exporter v1.12.1 collector/meminfo_linux.go:121",
    node_filesystem_avail_bytes: "node_exporter v1.12.1 collector/filesystem_common.go:102",
    node_filesystem_size_bytes: "node_exporter v1.12.1 collector/filesystem_common.go:118",
    node_cpu_seconds_total: "node_exporter v1.12.1 collector/cpu_common.go:27",
    node_load1: "node_exporter v1.12.1 collector/loadavg.go:38",
    node_load5: "node_exporter v1.12.1 collector/loadavg.go:39",
    node_load15: "node_exporter v1.12.1 collector/loadavg.go:40",
    node_disk_read_bytes_total: "node_exporter v1.12.1 collector/diskstats_common.go:55",
    node_disk_written_bytes_total: "node_exporter v1.12.1 collector/diskstats_common.go:67",
    // blackbox_exporter v0.28.0
    probe_success: "blackbox_exporter v0.28.0 prober/handler.go:78",
    probe_duration_seconds: "blackbox_exporter v0.28.0 prober/handler.go:82",
    probe_ssl_earliest_cert_expiry: "blackbox_exporter v0.28.0 prober/prober.go:35",
    // exportarr v2.3.0 (no queue collector for Prowlarr: arr.go:197-204)
    sonarr_system_health_issues: "exportarr v2.3.0 internal/arr/collector/health.go:28",
    radarr_system_health_issues: "exportarr v2.3.0 internal/arr/collector/health.go:28",
    lidarr_system_health_issues: "exportarr v2.3.0 internal/arr/collector/health.go:28",
    prowlarr_system_health_issues: "exportarr v2.3.0 internal/arr/collector/health.go:28",
    readarr_system_health_issues: "exportarr v2.3.0 internal/arr/collector/health.go:28",
    sonarr_queue_total: "exportarr v2.3.0 internal/arr/collector/queue.go",
    radarr_queue_total: "exportarr v2.3.0 internal/arr/collector/queue.go",
    lidarr_queue_total: "exportarr v2.3.0 internal/arr/collector/queue.go",
    readarr_queue_total: "exportarr v2.3.0 internal/arr/collector/queue.go",
    // qbittorrent-exporter v2.0.1
    qbittorrent_global_download_speed_bytes: "qbittorrent-exporter v2.0.1 prometheus/prometheus.go:190",
    qbittorrent_global_upload_speed_bytes: "qbittorrent-exporter v2.0.1 prometheus/prometheus.go:191",
    qbittorrent_global_torrents: "qbittorrent-exporter v2.0.1 prometheus/prometheus.go:182",
    // Monsterr's own backup job (components/files/backup.ts, write_metrics), through node_exporter v1.12.1's textfile
    // collector (collector/textfile.go); tests/backup.test.ts runs the job and lints its file with promtool.
    monsterr_backup_last_status: "backup.sh run",
    monsterr_backup_last_success_timestamp_seconds: "backup.sh run",
    monsterr_backup_installed_timestamp_seconds: "backup.sh init",
    monsterr_backup_check_last_status: "backup.sh check",
    monsterr_image_newer_tag_seen_timestamp_seconds: "Diun's notify script (components/files/diun.ts)",
    monsterr_image_pinned_info: "the program's textfile (components/files/diun.ts pinnedInfo)",
    // Alertmanager v0.34.0
    alertmanager_notifications_failed_total: "alertmanager v0.34.0 notify/metrics.go:48",
    alertmanager_notifications_total: "alertmanager v0.34.0 notify/metrics.go:45",
    ALERTS: "Prometheus v3.14.0 rules/alerting.go:41 (alertMetricName)",
    // Authelia v4.39.20 internal/metrics/prometheus.go:92 (Subsystem authelia, histogram; its authn counters are never
    // incremented in 4.39.20, see components/files/securityRules.ts)
    authelia_authn_duration_count: "authelia v4.39.20 internal/metrics/prometheus.go:92 (authn_duration histogram)",
    // fail2ban-prometheus-exporter v0.10.3 collector/f2b/socket.go (namespace f2b)
    f2b_up: "fail2ban-prometheus-exporter v0.10.3 collector/f2b/socket.go:21",
    f2b_jail_failed_current: "fail2ban-prometheus-exporter v0.10.3 collector/f2b/socket.go:31",
    f2b_jail_banned_current: "fail2ban-prometheus-exporter v0.10.3 collector/f2b/socket.go:41",
    f2b_jail_banned_total: "fail2ban-prometheus-exporter v0.10.3 collector/f2b/socket.go:46",
    // mtail v3.0.9 running the program of components/edge/accessMetrics.ts (tests/edge/accessMetrics.test.ts runs it
    // with Debian's mtail on real nginx lines)
    monsterr_http_requests_total: "mtail program (components/edge/accessMetrics.ts)",
    monsterr_http_app_response_seconds_bucket: "mtail program (components/edge/accessMetrics.ts)",
    monsterr_http_app_response_seconds_count: "mtail program (components/edge/accessMetrics.ts)",
};
