import { BypassPath, HealthcheckSpec, VolumeSpec } from "./types";

/** `/config` in the app's own folder under the config root. */
export const CONFIG_VOLUME: VolumeSpec = { source: { kind: "config" }, target: "/config" };

/** The whole data tree at the same container path in every app, so hardlinks and atomic moves work. */
export const DATA_VOLUME: VolumeSpec = { source: { kind: "data" }, target: "/data" };

/** linuxserver images ship curl; the *arr apps answer /ping without authentication. */
export function curlHealth(url: string, startPeriod = "1m0s"): HealthcheckSpec {
    return { test: ["CMD", "curl", "-fsS", "-o", "/dev/null", url], interval: "30s", timeout: "10s", retries: 3, startPeriod };
}

/** For a web server that answers every unauthenticated request with 401: that answer is the sign of life. */
export function curlAuthRequiredHealth(url: string, startPeriod = "1m0s"): HealthcheckSpec {
    return { test: ["CMD-SHELL", `curl -s -o /dev/null -w '%{http_code}' ${url} | grep -qx 401`], interval: "30s", timeout: "10s", retries: 3, startPeriod };
}

/** `/api` and its versions carry the app's own API key, so clients (other *arr apps, mobile apps) skip 2FA there. */
export const ARR_API_BYPASS: BypassPath[] = [{ exact: "/api" }, { prefix: "/api/" }];
