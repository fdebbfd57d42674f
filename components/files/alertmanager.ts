import { toYaml } from "./yaml";
import { AlertingConfig, Severity } from "../../config/alerting";
import { StackSecrets } from "../../config/types";
import { ServiceFile } from "../service";
import { FileBuilder } from "./types";

/** Where the alertmanager folder's `etc/` is mounted; receiver secrets sit beside the config as 0440 files. */
export const ALERTMANAGER_ETC = "/etc/alertmanager";

interface HttpConfig {
    authorization: { type: "Bearer"; credentials_file: string };
}

interface Receiver {
    name: string;
    email_configs?: { to: string; send_resolved: boolean }[];
    webhook_configs?: { url: string; send_resolved: boolean; http_config?: HttpConfig }[];
    slack_configs?: { api_url_file: string; send_resolved: boolean; title: string; text: string }[];
}

interface Route {
    receiver: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: Route[];
}

export interface AlertmanagerConfig {
    global: {
        resolve_timeout: string;
        smtp_smarthost?: string;
        smtp_from?: string;
        smtp_auth_username?: string;
        smtp_auth_password_file?: string;
        smtp_require_tls?: boolean;
    };
    route: Route;
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
    receivers: Receiver[];
}

/** A receiver secret: the stack key it comes from and its file under etc/secrets/. */
const SECRET_FILES = {
    smtp: { key: "alertingSmtpPassword", file: "secrets/smtp-password" },
    webhook: { key: "alertingWebhookToken", file: "secrets/webhook-token" },
    ntfy: { key: "alertingNtfyToken", file: "secrets/ntfy-token" },
    discord: { key: "alertingDiscordUrl", file: "secrets/discord-url" },
} as const satisfies Record<string, { key: keyof StackSecrets; file: string }>;

/** The update notifier's alerts (alertingRules.ts updateRules). */
export const UPDATE_ALERTS = ["ImageUpdateAvailable", "ImageUpdateOverdue"];

const inContainer = (file: string) => `${ALERTMANAGER_ETC}/${file}`;

function severityMatcher(min: Severity): string {
    return min === "critical" ? 'severity="critical"' : 'severity=~"critical|warning"';
}

function bearer(file: string): HttpConfig {
    return { authorization: { type: "Bearer", credentials_file: inContainer(file) } };
}

/**
 * Alertmanager's configuration. Secrets are read from files with fields both the deployed v0.34 and Debian's amtool
 * 0.25 (CI) understand; that rules out `url_file` and Discord's or Telegram's own `*_file` fields, so Discord goes
 * through its Slack-compatible endpoint and webhooks carry a bearer token file instead of a secret URL.
 */
export function alertmanagerConfig(a: AlertingConfig, severalHosts = false): AlertmanagerConfig {
    const receivers: Receiver[] = [{ name: "null" }];
    const routes: Route[] = [];
    const global: AlertmanagerConfig["global"] = { resolve_timeout: "5m" };

    if (a.heartbeatUrl) {
        receivers.push({ name: "heartbeat", webhook_configs: [{ url: a.heartbeatUrl, send_resolved: false }] });
        routes.push({ receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" });
    }
    if (a.email) {
        Object.assign(global, {
            smtp_smarthost: a.email.smarthost,
            smtp_from: a.email.from,
            ...(a.email.username ? { smtp_auth_username: a.email.username, smtp_auth_password_file: inContainer(SECRET_FILES.smtp.file) } : {}),
            smtp_require_tls: a.email.requireTls,
        });
        receivers.push({ name: "email", email_configs: [{ to: a.email.to.join(", "), send_resolved: true }] });
        routes.push({ receiver: "email", matchers: [severityMatcher(a.email.minSeverity)], continue: true });
    }
    if (a.webhook) {
        const http = a.webhook.token ? { http_config: bearer(SECRET_FILES.webhook.file) } : {};
        receivers.push({ name: "webhook", webhook_configs: [{ url: a.webhook.url, send_resolved: true, ...http }] });
        routes.push({ receiver: "webhook", matchers: [severityMatcher(a.webhook.minSeverity)], continue: true });
    }
    if (a.ntfy) {
        const http = a.ntfy.token ? { http_config: bearer(SECRET_FILES.ntfy.file) } : {};
        // ntfy renders Alertmanager's payload itself with its built-in template.
        receivers.push({ name: "ntfy", webhook_configs: [{ url: `${a.ntfy.url}?template=alertmanager`, send_resolved: true, ...http }] });
        routes.push({ receiver: "ntfy", matchers: [severityMatcher(a.ntfy.minSeverity)], continue: true });
    }
    if (a.discord) {
        receivers.push({
            name: "discord",
            slack_configs: [
                {
                    api_url_file: inContainer(SECRET_FILES.discord.file),
                    send_resolved: true,
                    title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
                    text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
                },
            ],
        });
        routes.push({ receiver: "discord", matchers: [severityMatcher(a.discord.minSeverity)], continue: true });
    }

    // Update notices come once a week while pending, all images in one message, not every repeatInterval.
    const receiverRoutes = routes.filter((r) => r.receiver !== "heartbeat");
    if (receiverRoutes.length) {
        routes.splice(routes.length - receiverRoutes.length, 0, {
            receiver: "null",
            matchers: [`alertname=~"${UPDATE_ALERTS.join("|")}"`],
            group_by: ["alertname"],
            repeat_interval: "168h",
            routes: receiverRoutes,
        });
    }

    return {
        global,
        route: {
            receiver: "null",
            group_by: ["alertname", "severity"],
            group_wait: a.groupWait,
            group_interval: a.groupInterval,
            repeat_interval: a.repeatInterval,
            ...(routes.length ? { routes } : {}),
        },
        inhibit_rules: [
            // A blind cAdvisor makes every container look gone: send the cause only. Nothing else is held back:
            // Prometheus runs on the host it watches, so no alert here can mean "the host is down".
            // On several hosts a cAdvisor speaks for its own host only.
            { source_matchers: ['alertname="CadvisorSeesNoContainers"'], target_matchers: ['alertname=~"ContainerDown|ContainerUnhealthy|ContainerRestarting"'], ...(severalHosts ? { equal: ["host"] } : {}) },
            { source_matchers: ['alertname="TargetDown"', 'job="cadvisor"'], target_matchers: ['alertname="ContainerDown"'], ...(severalHosts ? { equal: ["host"] } : {}) },
            { source_matchers: ['alertname="DiskUsageCritical"'], target_matchers: ['alertname="DiskUsageHigh"'], equal: ["volume"] },
        ],
        receivers,
    };
}

export function serializeAlertmanagerConfig(config: AlertmanagerConfig): string {
    return toYaml(config);
}

/** Discord answers Slack-format payloads on the webhook URL plus `/slack`. */
export function discordSlackUrl(url: string): string {
    const u = url.trim().replace(/\/+$/, "");
    return u.endsWith("/slack") ? u : `${u}/slack`;
}

function secretFile(secrets: StackSecrets, which: keyof typeof SECRET_FILES, transform: (v: string) => string = (v) => v.trim()): ServiceFile {
    const { key, file } = SECRET_FILES[which];
    const value = secrets[key];
    if (!value) throw new Error(`${key} is not set although alerting uses it; config validation should have refused this stack`);
    return { path: `etc/${file}`, content: value.apply(transform), secret: true };
}

export const alertmanagerFiles: FileBuilder = ({ config }) => {
    const a = config.alerting;
    const files: ServiceFile[] = [{ path: "etc/alertmanager.yml", content: serializeAlertmanagerConfig(alertmanagerConfig(a, Object.keys(config.hosts).length > 0)) }];
    if (a.email?.username) files.push(secretFile(config.secrets, "smtp"));
    if (a.webhook?.token) files.push(secretFile(config.secrets, "webhook"));
    if (a.ntfy?.token) files.push(secretFile(config.secrets, "ntfy"));
    if (a.discord) files.push(secretFile(config.secrets, "discord", discordSlackUrl));
    return files;
};
