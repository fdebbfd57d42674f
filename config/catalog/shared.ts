import { BypassPath, HealthcheckSpec, VolumeSpec } from "./types";

/** `/config` in the app's own folder under the config root. */
export const CONFIG_VOLUME: VolumeSpec = { source: { kind: "config" }, target: "/config" };

/** The whole data tree at the same container path in every app, so hardlinks and atomic moves work. */
export const DATA_VOLUME: VolumeSpec = { source: { kind: "data" }, target: "/data" };

/** A GET that must answer 2xx, with curl (`-f`). */
export function curlHealth(url: string, why: string, startPeriod = "1m0s"): HealthcheckSpec {
    return { test: ["CMD", "curl", "-fsS", "-o", "/dev/null", url], interval: "30s", timeout: "10s", retries: 3, startPeriod, why };
}

/** A GET that must answer 2xx, with busybox wget (Alpine and the Prometheus busybox images have no curl). */
export function wgetHealth(url: string, why: string, startPeriod = "30s"): HealthcheckSpec {
    return { test: ["CMD", "wget", "-q", "-O", "/dev/null", url], interval: "30s", timeout: "10s", retries: 3, startPeriod, why };
}

/** linuxserver images ship curl (their base image's package list). */
export const LSIO_CURL = "curl is in every linuxserver base image (package_versions.txt)";

/** `/api` and its versions carry the app's own API key, so clients (other *arr apps, mobile apps) skip 2FA there. */
export const ARR_API_BYPASS: BypassPath[] = [{ exact: "/api" }, { prefix: "/api/" }];

/**
 * The proxy's timing access log (components/edge/accessMetrics.ts), in NPM's logs folder; mtail reads it. The
 * `_access.log` ending puts it under NPM's own logrotate (weekly, 4 kept: docker/rootfs/etc/logrotate.d/nginx-proxy-manager).
 */
export const TIMING_LOG_FILE = "monsterr_timing_access.log";
