import type { SecretPresence } from "./types";
import { Bad } from "./parse";
import { read, readList, readObject } from "./schema/setting";
import { ALERTING } from "./schema/settings";

/** Alerts carry `severity: warning | critical`; a receiver gets alerts from its minimum severity up. */
export type Severity = "warning" | "critical";

export interface EmailReceiver {
    to: string[];
    from: string;
    /** `host:port` of the SMTP server (STARTTLS required unless `requireTls` is false). */
    smarthost: string;
    /** With a username, the password is the `alertingSmtpPassword` secret. */
    username?: string;
    requireTls: boolean;
    minSeverity: Severity;
}

/** A webhook whose URL is not secret; an optional bearer token (a secret) authenticates it. */
export interface WebhookReceiver {
    url: string;
    /** True when the matching token secret is set. */
    token: boolean;
    minSeverity: Severity;
}

/** Discord through its Slack-compatible endpoint: the webhook URL is a secret (`alertingDiscordUrl`). */
export interface DiscordReceiver {
    minSeverity: Severity;
}

export interface AlertingConfig {
    email?: EmailReceiver;
    /** Generic webhook: Alertmanager's JSON payload. */
    webhook?: WebhookReceiver;
    /** ntfy server and topic, e.g. https://ntfy.sh/monsterr-alerts; ntfy formats the payload with its alertmanager template. */
    ntfy?: WebhookReceiver;
    discord?: DiscordReceiver;
    /** Dead man's switch: the always-firing Watchdog alert is sent here (e.g. a healthchecks.io ping URL). */
    heartbeatUrl?: string;
    groupWait: string;
    groupInterval: string;
    repeatInterval: string;
}

/** Secret stack keys of the receivers; each must be set with `pulumi config set --secret`. */
export const ALERTING_SECRET_KEYS = ["alertingSmtpPassword", "alertingWebhookToken", "alertingNtfyToken", "alertingDiscordUrl"] as const;
export type AlertingSecretKey = (typeof ALERTING_SECRET_KEYS)[number];


const F = ALERTING.fields;

/**
 * Validates `monsterr:alerting` and the presence of its receiver secrets. Without the key the stack still gets an
 * Alertmanager with a null receiver: alerts show in its UI and Grafana, nobody is notified.
 */
export function validateAlerting(value: unknown, secrets: SecretPresence, bad: Bad): AlertingConfig | undefined {
    const k = (key: string) => `monsterr:${key}`;
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    for (const key of ALERTING_SECRET_KEYS) {
        if (secrets[key] === false) fail(key, "is stored in plain text", `set it again with: pulumi config set --secret ${k(key)} ...`);
    }

    const o = readObject(ALERTING, value, "alerting", fail);
    if (!o) return undefined;

    const result: AlertingConfig = {
        // A bad value fails the whole section: "" is never returned.
        groupWait: read(F.groupWait, o.groupWait, "alerting.groupWait", fail) ?? "",
        groupInterval: read(F.groupInterval, o.groupInterval, "alerting.groupInterval", fail) ?? "",
        repeatInterval: read(F.repeatInterval, o.repeatInterval, "alerting.repeatInterval", fail) ?? "",
    };

    if (o.email !== undefined) result.email = email(o.email, secrets, fail);
    else if (secrets.alertingSmtpPassword) fail("alertingSmtpPassword", "is set but alerting.email is not configured", `configure alerting.email or pulumi config rm ${k("alertingSmtpPassword")}`);

    for (const [kind, tokenKey] of [["webhook", "alertingWebhookToken"], ["ntfy", "alertingNtfyToken"]] as const) {
        if (o[kind] !== undefined) result[kind] = webhook(o[kind], kind, secrets[tokenKey] === true, fail);
        else if (secrets[tokenKey]) fail(tokenKey, `is set but alerting.${kind} is not configured`, `configure alerting.${kind}.url or pulumi config rm ${k(tokenKey)}`);
    }

    if (o.discord !== undefined) {
        const d = readObject(F.discord, o.discord, "alerting.discord", fail);
        if (d) {
            result.discord = { minSeverity: (read(F.discord.fields.minSeverity, d.minSeverity, "alerting.discord.minSeverity", fail) ?? "warning") as Severity };
            if (!secrets.alertingDiscordUrl) fail("alertingDiscordUrl", "is required for alerting.discord", `copy the channel's webhook URL, then: pulumi config set --secret ${k("alertingDiscordUrl")} https://discord.com/api/webhooks/...`);
        }
    } else if (secrets.alertingDiscordUrl) {
        fail("alertingDiscordUrl", "is set but alerting.discord is not configured", `pulumi config set --path ${k("alerting.discord.minSeverity")} warning, or pulumi config rm ${k("alertingDiscordUrl")}`);
    }

    const heartbeatUrl = read(F.heartbeatUrl, o.heartbeatUrl, "alerting.heartbeatUrl", fail);
    if (heartbeatUrl) result.heartbeatUrl = heartbeatUrl;
    return ok ? result : undefined;
}

function email(value: unknown, secrets: SecretPresence, fail: Bad): EmailReceiver | undefined {
    const E = F.email.fields;
    const o = readObject(F.email, value, "alerting.email", fail);
    if (!o) return undefined;
    const to = readList(E.to, o.to, "alerting.email.to", fail);
    const from = read(E.from, o.from, "alerting.email.from", fail);
    const smarthost = read(E.smarthost, o.smarthost, "alerting.email.smarthost", fail);
    const username = read(E.username, o.username, "alerting.email.username", fail);
    if (username && !secrets.alertingSmtpPassword) fail("alertingSmtpPassword", "is required when alerting.email.username is set", "pulumi config set --secret monsterr:alertingSmtpPassword ...");
    if (o.username === undefined && secrets.alertingSmtpPassword) fail("alerting.email.username", "is required when alertingSmtpPassword is set", "set the SMTP login with pulumi config set --path monsterr:alerting.email.username ...");
    const requireTls = read(E.requireTls, o.requireTls, "alerting.email.requireTls", fail);
    const minSeverity = (read(E.minSeverity, o.minSeverity, "alerting.email.minSeverity", fail) ?? "warning") as Severity;
    if (!to || !from || !smarthost || requireTls === undefined) return undefined;
    return { to, from, smarthost, ...(username ? { username } : {}), requireTls, minSeverity };
}

function webhook(value: unknown, kind: "webhook" | "ntfy", token: boolean, fail: Bad): WebhookReceiver | undefined {
    const key = `alerting.${kind}`;
    const W = F[kind];
    const o = readObject(W, value, key, fail);
    if (!o) return undefined;
    const url = read(W.fields.url, o.url, `${key}.url`, fail);
    const minSeverity = (read(W.fields.minSeverity, o.minSeverity, `${key}.minSeverity`, fail) ?? "warning") as Severity;
    if (!url) return undefined;
    if (kind === "ntfy" && (url.includes("?") || !/^https?:\/\/[^/]+\/[A-Za-z0-9_-]{1,64}$/.test(url))) {
        fail(`${key}.url`, "must be a server and a topic without a query", "use https://ntfy.sh/<your-topic>; Monsterr adds the alertmanager template itself");
        return undefined;
    }
    return { url, token, minSeverity };
}

/** The receivers a person reads; the heartbeat is a machine's. */
export const RECEIVERS = ["email", "webhook", "ntfy", "discord"] as const;

/** What the plan and the setup wizard say when no receiver is set: every alert would go nowhere. */
export const NO_RECEIVER_WARNING =
    "no alert receiver (monsterr:alerting): every alert, a full disk or a failed backup included, reaches no one; set alerting.ntfy.url, alerting.email, alerting.webhook or alerting.discord (README, Monitoring and alerts)";

/** Whether any receiver a person reads is set. */
export function hasReceiver(a: Partial<Record<(typeof RECEIVERS)[number], unknown>>): boolean {
    return RECEIVERS.some((r) => a[r] !== undefined && a[r] !== null);
}
