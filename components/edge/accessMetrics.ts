import { TIMING_LOG_FILE } from "../../config/catalog/shared";
import { NginxDirective, serializeNginx } from "./nginxDirectives";

/**
 * Requests, statuses and latency per public host, from the proxy's own access log. NPM 2.15.1's `proxy` log format
 * has no timing field (docker/rootfs/etc/nginx/conf.d/include/log-proxy.conf), so every proxy host also writes one
 * line per request in the format below, defined in NPM's `/data/nginx/custom/http_top.conf` (included in `http {}`
 * before every generated host, docker/rootfs/etc/nginx/nginx.conf v2.15.1); mtail turns the lines into metrics.
 *
 * Every field is one the client cannot choose: `$server_name` is the proxy host's own name (not `Host`), the status
 * is three digits and the time nginx's own measure. A hostile client therefore cannot add label values (series)
 * however it spells its requests.
 */
export const TIMING_LOG_FORMAT = "monsterr_timing";
/** Under NPM's /data; mtail reads the logs folder. */
export const TIMING_LOG_IN_DATA = `logs/${TIMING_LOG_FILE}`;
export const EDGE_TIMING_LOG = `/data/${TIMING_LOG_IN_DATA}`;
/** NPM's custom http-level include, under its /data. */
export const HTTP_TOP_IN_DATA = "nginx/custom/http_top.conf";

interface LogField {
    /** The mtail capture group and metric label. */
    name: string;
    /** What nginx writes. */
    variable: string;
    /** What mtail accepts for it. */
    pattern: string;
}

/** The line, in order: what nginx writes and what mtail reads come from this one list. */
export const TIMING_FIELDS: readonly LogField[] = [
    { name: "host", variable: "$server_name", pattern: String.raw`[a-z0-9.-]+` },
    { name: "code", variable: "$status", pattern: String.raw`\d{3}` },
    // Seconds until the app's response header reached the proxy: the app's response time, which a stream, a
    // websocket or a slow client does not stretch ($request_time would). `-` when nginx answered by itself (an auth
    // redirect, a refusal); a list when nginx tried more than one upstream: counted always, timed by its first attempt
    // when that one answered.
    { name: "seconds", variable: "$upstream_header_time", pattern: String.raw`(?:(?P<seconds>\d+\.\d+)|-)(?:(?:, | : )(?:\d+\.\d+|-))*` },
];

/** Latency buckets in seconds: a page or API call is fast under 0.25 s, slow over 2.5 s. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const METRIC_REQUESTS = "monsterr_http_requests_total";
export const METRIC_DURATION = "monsterr_http_app_response_seconds";

/** `http_top.conf`: the log format, defined once at http level. */
export function httpTopConf(): string {
    const format: NginxDirective = { name: "log_format", args: [TIMING_LOG_FORMAT, TIMING_FIELDS.map((f) => f.variable).join(" ")] };
    return serializeNginx([format]);
}

/** The directive each proxy host carries next to its other access log. */
export function timingAccessLog(): NginxDirective {
    return { name: "access_log", args: [EDGE_TIMING_LOG, TIMING_LOG_FORMAT] };
}

/** One statement of the mtail program, rendered on its own line(s). */
type MtailStatement = { declare: "counter" | "histogram"; name: string; by: string[]; buckets?: readonly number[] } | { match: string; body: (string | MtailStatement)[] };

function renderStatement(s: MtailStatement, pad: string): string {
    if ("declare" in s) return `${pad}${s.declare} ${s.name} by ${s.by.join(", ")}${s.buckets ? ` buckets ${s.buckets.join(", ")}` : ""}`;
    const body = s.body.map((b) => (typeof b === "string" ? `${pad}  ${b}` : renderStatement(b, `${pad}  `)));
    return `${pad}/${s.match}/ {\n${body.join("\n")}\n${pad}}`;
}

function renderMtail(statements: MtailStatement[]): string {
    return `${statements.map((s) => renderStatement(s, "")).join("\n\n")}\n`;
}

/** The mtail program: a counter per host and status, a histogram per host of the app's response time. */
export function mtailProgram(): string {
    // A pattern that names its own group (seconds) is used as is; the others are captured under their name.
    const line = `^${TIMING_FIELDS.map((f) => (f.pattern.includes(`(?P<${f.name}>`) ? f.pattern : `(?P<${f.name}>${f.pattern})`)).join(" ")}$`;
    return renderMtail([
        { declare: "counter", name: METRIC_REQUESTS, by: ["host", "code"] },
        { declare: "histogram", name: METRIC_DURATION, by: ["host"], buckets: LATENCY_BUCKETS },
        // Every line is counted; only lines with an app response time are timed.
        { match: line, body: [`${METRIC_REQUESTS}[$host][$code]++`, { match: String.raw`^\S+ \d{3} \d`, body: [`${METRIC_DURATION}[$host] = $seconds`] }] },
    ]);
}
