import type { SecretPresence } from "./types";
import { Bad, obj, show, str, unknownFields } from "./parse";

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


const EMAIL = /^[^@\s"'\\<>]+@[a-z0-9.-]+\.[a-z]{2,}$/i;
const SMARTHOST = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?:\d{1,5}$/i;
/** http(s) URL without credentials, spaces or quotes; credentials belong in the token secret. */
const URL_RE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$/i;
const DURATION = /^[1-9]\d{0,3}(s|m|h)$/;
const SEVERITIES: Severity[] = ["warning", "critical"];

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

    const o = value === undefined ? {} : obj(value);
    if (!o) {
        fail("alerting", "must be an object", `pulumi config set --path ${k("alerting.email.to")} you@example.com`);
        return undefined;
    }
    unknownFields(o, ["email", "webhook", "ntfy", "discord", "heartbeatUrl", "groupWait", "groupInterval", "repeatInterval"], "alerting", fail);

    const result: AlertingConfig = {
        groupWait: duration(o.groupWait, "30s", "alerting.groupWait", fail),
        groupInterval: duration(o.groupInterval, "5m", "alerting.groupInterval", fail),
        repeatInterval: duration(o.repeatInterval, "4h", "alerting.repeatInterval", fail),
    };

    if (o.email !== undefined) result.email = email(o.email, secrets, fail);
    else if (secrets.alertingSmtpPassword) fail("alertingSmtpPassword", "is set but alerting.email is not configured", `configure alerting.email or pulumi config rm ${k("alertingSmtpPassword")}`);

    for (const [kind, tokenKey] of [["webhook", "alertingWebhookToken"], ["ntfy", "alertingNtfyToken"]] as const) {
        if (o[kind] !== undefined) result[kind] = webhook(o[kind], kind, secrets[tokenKey] === true, fail);
        else if (secrets[tokenKey]) fail(tokenKey, `is set but alerting.${kind} is not configured`, `configure alerting.${kind}.url or pulumi config rm ${k(tokenKey)}`);
    }

    if (o.discord !== undefined) {
        const d = obj(o.discord);
        if (!d) fail("alerting.discord", "must be an object", `pulumi config set --path ${k("alerting.discord.minSeverity")} warning`);
        else {
            unknownFields(d, ["minSeverity"], "alerting.discord", fail);
            result.discord = { minSeverity: severity(d.minSeverity, "alerting.discord.minSeverity", fail) };
            if (!secrets.alertingDiscordUrl) fail("alertingDiscordUrl", "is required for alerting.discord", `copy the channel's webhook URL, then: pulumi config set --secret ${k("alertingDiscordUrl")} https://discord.com/api/webhooks/...`);
        }
    } else if (secrets.alertingDiscordUrl) {
        fail("alertingDiscordUrl", "is set but alerting.discord is not configured", `pulumi config set --path ${k("alerting.discord.minSeverity")} warning, or pulumi config rm ${k("alertingDiscordUrl")}`);
    }

    if (o.heartbeatUrl !== undefined) {
        const u = str(o.heartbeatUrl);
        if (!u || !URL_RE.test(u)) fail("alerting.heartbeatUrl", `'${show(o.heartbeatUrl)}' is not an http(s) URL without credentials`, "use your dead man's switch ping URL, e.g. https://hc-ping.com/<uuid>");
        else result.heartbeatUrl = u;
    }
    return ok ? result : undefined;
}

function email(value: unknown, secrets: SecretPresence, fail: Bad): EmailReceiver | undefined {
    const o = obj(value);
    if (!o) {
        fail("alerting.email", "must be an object", "set to, from and smarthost (host:port)");
        return undefined;
    }
    unknownFields(o, ["to", "from", "smarthost", "username", "requireTls", "minSeverity"], "alerting.email", fail);
    const toRaw = Array.isArray(o.to) ? o.to : o.to === undefined ? [] : [o.to];
    const to = toRaw.filter((t): t is string => typeof t === "string" && EMAIL.test(t));
    if (to.length === 0 || to.length !== toRaw.length) fail("alerting.email.to", o.to === undefined ? "is required" : "must be an e-mail address or a list of them", "use an address such as you@example.com");
    const from = str(o.from);
    if (!from || !EMAIL.test(from)) fail("alerting.email.from", from ? `'${show(from)}' is not an e-mail address` : "is required", "use the sender address your SMTP server accepts, e.g. alerts@example.com");
    const smarthost = str(o.smarthost);
    if (!smarthost || !SMARTHOST.test(smarthost)) fail("alerting.email.smarthost", smarthost ? `'${show(smarthost)}' is not host:port` : "is required", "use the SMTP server and its submission port, e.g. smtp.example.com:587");
    const username = o.username === undefined ? undefined : str(o.username);
    if (o.username !== undefined && (!username || /[\s"]/.test(username))) fail("alerting.email.username", "is not a user name", "use the SMTP login, e.g. alerts@example.com");
    if (username && !secrets.alertingSmtpPassword) fail("alertingSmtpPassword", "is required when alerting.email.username is set", "pulumi config set --secret monsterr:alertingSmtpPassword ...");
    if (!username && secrets.alertingSmtpPassword) fail("alerting.email.username", "is required when alertingSmtpPassword is set", "set the SMTP login with pulumi config set --path monsterr:alerting.email.username ...");
    const requireTls = o.requireTls === undefined ? true : o.requireTls === true || o.requireTls === "true" ? true : o.requireTls === false || o.requireTls === "false" ? false : undefined;
    if (requireTls === undefined) fail("alerting.email.requireTls", `'${show(o.requireTls)}' is not true or false`, "leave it unset (STARTTLS required) or set false for a local relay");
    const minSeverity = severity(o.minSeverity, "alerting.email.minSeverity", fail);
    if (to.length === 0 || !from || !smarthost || requireTls === undefined) return undefined;
    return { to, from, smarthost, ...(username ? { username } : {}), requireTls, minSeverity };
}

function webhook(value: unknown, kind: "webhook" | "ntfy", token: boolean, fail: Bad): WebhookReceiver | undefined {
    const key = `alerting.${kind}`;
    const o = obj(value);
    if (!o) {
        fail(key, "must be an object", `pulumi config set --path monsterr:${key}.url https://...`);
        return undefined;
    }
    unknownFields(o, ["url", "minSeverity"], key, fail);
    const url = str(o.url);
    const example = kind === "ntfy" ? "https://ntfy.sh/<your-topic>" : "https://hooks.example.com/alertmanager";
    if (!url || !URL_RE.test(url)) {
        fail(`${key}.url`, url ? `'${show(url)}' is not an http(s) URL without credentials` : "is required", `use e.g. ${example}; put a token in the secret, never in the URL`);
        return undefined;
    }
    if (kind === "ntfy" && (url.includes("?") || !/^https?:\/\/[^/]+\/[A-Za-z0-9_-]{1,64}$/.test(url))) {
        fail(`${key}.url`, "must be a server and a topic without a query", `use ${example}; Monsterr adds the alertmanager template itself`);
        return undefined;
    }
    return { url, token, minSeverity: severity(o.minSeverity, `${key}.minSeverity`, fail) };
}

function severity(v: unknown, key: string, fail: Bad): Severity {
    if (v === undefined) return "warning";
    if (SEVERITIES.includes(v as Severity)) return v as Severity;
    fail(key, `'${show(v)}' is not a severity`, "use warning (every alert) or critical (only urgent ones)");
    return "warning";
}

function duration(v: unknown, dflt: string, key: string, fail: Bad): string {
    if (v === undefined) return dflt;
    if (typeof v === "string" && DURATION.test(v)) return v;
    fail(key, `'${show(v)}' is not a duration`, `use a whole number of s, m or h, e.g. ${dflt}`);
    return dflt;
}




