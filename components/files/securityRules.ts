import { ServiceName } from "../../config/catalog";
import { METRIC_DURATION, METRIC_REQUESTS } from "../edge/accessMetrics";
import type { AlertRule, RuleGroup } from "./alertingRules";

/**
 * What an owner needs to know about the edge: someone guessing passwords, bans piling up, a public route failing or
 * slow, availability eaten faster than the objective allows, and the signals behind all that going silent.
 *
 * Sources, checked against the pinned versions' source:
 * - Authelia 4.39.20 registers `authelia_authn` but never increments it (the only call was removed by #11999 and
 *   restored after the release, a9a5c65e2); `authelia_authn_duration{success}` is observed for every password
 *   attempt (1FA, reauthentication, basic auth), so its `_count` is the failures' counter.
 * - fail2ban-prometheus-exporter 0.10.3 (collector/f2b/socket.go): `f2b_up`, and per jail `f2b_jail_failed_current`,
 *   `f2b_jail_banned_current`, `f2b_jail_banned_total` (gauges that restart from 0 with fail2ban).
 * - mtail over the proxy's timing log (components/edge/accessMetrics.ts): requests by host and status, the app's
 *   response time by host.
 * - blackbox: `probe_success` per public route, once a minute.
 */

/** Monthly availability objective of each public route: 99.5 % allows 3.6 hours down a month on home power and internet. */
export const AVAILABILITY_OBJECTIVE = 0.995;
/** The Authelia jail of components/files/fail2ban.ts. */
const AUTH_JAIL = "monsterr-authelia";
/** Enough traffic for a ratio or a quantile to mean something: 30 requests in 10 minutes (probes alone are 10). */
const MIN_RATE = 0.05;

const authFailures = 'sum(increase(authelia_authn_duration_count{job="authelia", success="false"}[10m]))';

/**
 * New bans in 15 minutes per jail. A restarted fail2ban restores its live bans from its database and counts each
 * again (banmanager.py addBanTicket, 1.1.0): a window with a reset says nothing about new bans.
 */
const NEW_BANS = 'increase(f2b_jail_banned_total{job="fail2ban-exporter"}[15m]) unless on (instance, jail) resets(f2b_jail_banned_total{job="fail2ban-exporter"}[15m]) > 0';
/** More new bans than this in 15 minutes on one host is a scan or an attack wave. */
const BAN_STORM = 20;
/** BanStorm on a stack with several hosts: each host's bans on their own (alertingRules.ts perHost). */
export const BAN_STORM_PER_HOST = `sum by (host) (${NEW_BANS}) > ${BAN_STORM}`;

const SECURITY_AUTHELIA: AlertRule[] = [
    {
        // The jail bans an address after 5 failures in 10 minutes; 20 means several addresses, or bans that do not hold.
        alert: "AuthFailuresSpike",
        expr: `${authFailures} > 20`,
        labels: { severity: "warning", scope: "service" },
        annotations: {
            summary: "{{ $value | printf \"%.0f\" }} failed sign-ins in 10 minutes",
            description: "Someone is guessing passwords on the sign-in portal. Fail2Ban bans each address after 5 failures; see the Monsterr dashboard's bans, and Authelia's log for the user names tried.",
        },
    },
];

const SECURITY_FAIL2BAN: AlertRule[] = [
    {
        // Each address stays under the ban threshold, so the jail cannot stop them: only their number shows the attack.
        alert: "CredentialStuffing",
        expr: `f2b_jail_failed_current{job="fail2ban-exporter", jail="${AUTH_JAIL}"} >= 10`,
        for: "5m",
        labels: { severity: "critical", scope: "service" },
        annotations: {
            summary: "{{ $value | printf \"%.0f\" }} addresses are failing to sign in at once",
            description: "Failed sign-ins come from many addresses, each below Fail2Ban's ban threshold: a distributed password attack. Check that every account has a second factor and a strong password; consider closing the portal to other countries at your router or CDN.",
        },
    },
    {
        // Background noise on a public address is a few bans an hour.
        alert: "BanStorm",
        expr: `sum(${NEW_BANS}) > ${BAN_STORM}`,
        labels: { severity: "warning", scope: "host" },
        annotations: {
            summary: "{{ $value | printf \"%.0f\" }} addresses banned in 15 minutes",
            description: "A scan or an attack wave: Fail2Ban is banning far more than usual (docker exec fail2ban fail2ban-client status <jail>). The bans hold; check the proxy and sign-in panels for what they were after.",
        },
    },
    {
        alert: "Fail2banBlind",
        // The exporter answers f2b_up 0 when the socket does not; when the exporter itself is gone, so is the signal.
        expr: 'f2b_up{job="fail2ban-exporter"} == 0 or up{job="fail2ban-exporter"} == 0',
        for: "5m",
        labels: { severity: "critical", scope: "host" },
        annotations: {
            summary: "Fail2Ban does not answer",
            description: "Fail2Ban does not answer on its socket, or its exporter is down: bans may not be happening and nobody would see them (docker logs fail2ban; docker exec fail2ban fail2ban-client ping; docker logs fail2ban-exporter).",
        },
    },
];

const requests = (filter = "") => `sum by (host) (rate(${METRIC_REQUESTS}{job="mtail"${filter}}[10m]))`;

const EDGE_TRAFFIC: AlertRule[] = [
    {
        alert: "PublicRouteErrors",
        expr: `${requests(', code=~"5.."')} / ${requests()} > 0.05 and ${requests()} > ${MIN_RATE}`,
        for: "5m",
        labels: { severity: "warning", scope: "service" },
        annotations: {
            summary: "{{ $labels.host }} fails {{ $value | humanizePercentage }} of its requests",
            description: "More than 5% of the requests to {{ $labels.host }} ended in a server error (5xx) over 10 minutes: the app behind it is failing or overloaded (its container's logs; the Containers dashboard).",
        },
    },
    {
        // 2.5 s until the first byte is where a page feels broken; streams and websockets do not count (app response time).
        alert: "PublicRouteSlow",
        expr: `histogram_quantile(0.95, sum by (host, le) (rate(${METRIC_DURATION}_bucket{job="mtail"}[10m]))) > 2.5 and sum by (host) (rate(${METRIC_DURATION}_count{job="mtail"}[10m])) > ${MIN_RATE}`,
        for: "10m",
        labels: { severity: "warning", scope: "service" },
        annotations: {
            summary: "{{ $labels.host }} answers slowly: p95 {{ $value | humanizeDuration }}",
            description: "One request in twenty to {{ $labels.host }} waited more than 2.5 s for the app's first byte, for 10 minutes: the app is short of CPU, memory or disk (the Containers and Host dashboards).",
        },
    },
    {
        // Probes cross the proxy every minute: if they succeed and nothing is counted, the log pipeline is broken.
        alert: "EdgeMetricsSilent",
        expr: `(sum(increase(${METRIC_REQUESTS}{job="mtail"}[15m])) or on() vector(0)) == 0 and on() count(probe_success{job="blackbox"} == 1) > 0`,
        for: "10m",
        labels: { severity: "warning", scope: "monitoring" },
        annotations: {
            summary: "The proxy's traffic is not being counted",
            description: "Probes reach the apps through the proxy, yet mtail has counted no request for 15 minutes: error rate, latency and their alerts are blind (docker logs mtail; is the timing log written? ls -l <configRoot>/nginx-proxy-manager/data/logs).",
        },
    },
];

/** Error budget burn (Google SRE workbook, multi-window): fast burns page, slow ones open a ticket. */
function burn(alert: string, factor: number, long: string, short: string, severity: "warning" | "critical"): AlertRule {
    const budget = +(factor * (1 - AVAILABILITY_OBJECTIVE)).toFixed(4);
    const failing = (w: string) => `(1 - avg by (service, instance) (avg_over_time(probe_success{job="blackbox"}[${w}])))`;
    return {
        alert,
        expr: `${failing(long)} > ${budget} and ${failing(short)} > ${budget}`,
        for: factor > 10 ? "2m" : "15m",
        labels: { severity, scope: "service" },
        annotations: {
            summary: `{{ $labels.service }} is using its monthly downtime ${factor}x too fast`,
            description: `Over ${long} (and still in the last ${short}) {{ $value | humanizePercentage }} of the probes of {{ $labels.instance }} failed, against an objective of ${AVAILABILITY_OBJECTIVE * 100}% up: at this rate the month's allowance is gone in ${Math.round((30 * 24) / factor)} hours.`,
        },
    };
}

const EDGE_AVAILABILITY: AlertRule[] = [burn("AvailabilityBurnFast", 14.4, "1h", "5m", "critical"), burn("AvailabilityBurnSlow", 6, "6h", "30m", "warning")];

/** The security group (sign-ins, bans) and the edge group (errors, latency, availability), for the services that feed them. */
export function securityRuleGroups(enabled: readonly ServiceName[]): RuleGroup[] {
    const has = (s: ServiceName) => enabled.includes(s);
    const security = [...(has("authelia") ? SECURITY_AUTHELIA : []), ...(has("fail2ban-exporter") ? SECURITY_FAIL2BAN : [])];
    const edge = [...(has("mtail") ? EDGE_TRAFFIC.filter((r) => r.alert !== "EdgeMetricsSilent" || has("blackbox-exporter")) : []), ...(has("blackbox-exporter") ? EDGE_AVAILABILITY : [])];
    return [...(security.length ? [{ name: "security", rules: security }] : []), ...(edge.length ? [{ name: "edge", rules: edge }] : [])];
}
