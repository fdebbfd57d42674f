import { spawnSync } from "child_process";
import { EXAMPLE_DOMAIN, DEMO_HOST_KEY } from "../config/examples";
import { ValidConfig } from "../config/validate";
import { CheckResult, hostChecks } from "./checks";
import { runOnHost } from "./connect";
import { dnsChecks } from "./dns";
import { factsScript, parseFacts } from "./facts";

export interface DoctorOptions {
    /** A private key file for ssh (the stack's key otherwise comes from ssh-agent or ~/.ssh). */
    identity?: string;
    /** DNS servers to ask instead of the system's (`ip` or `ip:port`). */
    dnsServers?: string[];
}

/** Example values the committed stack files carry: a stack holding one cannot be deployed. */
export function settingsChecks(config: ValidConfig): CheckResult[] {
    const out: CheckResult[] = [];
    const examples: [string, string][] = [
        ["domain", config.domain],
        ["adminEmail", config.adminEmail.split("@").pop() ?? ""],
        ...(config.host.kind === "ssh" ? ([["host.address", config.host.address]] as [string, string][]) : []),
    ];
    for (const [key, value] of examples.filter(([, v]) => EXAMPLE_DOMAIN.test(v))) {
        out.push({ check: "settings", status: "fail", detail: `monsterr:${key} is still the example value (${value})`, fix: `pulumi config set ${key.includes(".") ? `--path monsterr:${key}` : `monsterr:${key}`} <yours>` });
    }
    if (config.host.kind === "ssh" && config.host.hostKey.includes(DEMO_HOST_KEY)) {
        out.push({ check: "settings", status: "fail", detail: "monsterr:host.hostKey is the example key, which no host has", fix: "run npm run doctor again after pinning: it shows the key your host presents and its fingerprint to compare" });
    }
    return out.length ? out : [{ check: "settings", status: "pass", detail: "no example values left" }];
}

/** Every check against the stack's host, in the order a newcomer fixes them. */
export async function runDoctor(config: ValidConfig, opts: DoctorOptions = {}): Promise<CheckResult[]> {
    const results = settingsChecks(config);
    const script = factsScript(config.storage, config.timezone);
    const placeholder = (key: string) => results.some((r) => r.status === "fail" && r.detail.startsWith(`monsterr:${key} `));
    if (config.host.kind === "ssh") {
        // An example address or key names no host to ask: the settings' failures say what to fill in first.
        if (placeholder("host.address") || placeholder("host.hostKey")) return results;
        const session = runOnHost(config.host, script, opts.identity);
        results.push(...session.checks);
        if (session.stdout !== undefined) results.push(...hostChecks(config, parseFacts(session.stdout)));
        if (config.tls.mode === "letsencrypt" && !placeholder("domain")) results.push(...(await dnsChecks(config.domain, config.host.address, opts.dnsServers)));
    } else {
        const r = spawnSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
        results.push(...hostChecks(config, parseFacts(r.stdout)));
    }
    return results;
}

const MARK: Record<CheckResult["status"], string> = { pass: "ok  ", warn: "WARN", fail: "FAIL" };

/** The results as a table, each failure and warning followed by its fix. */
export function renderResults(results: CheckResult[]): string {
    const width = Math.max(...results.map((r) => r.check.length));
    const lines: string[] = [];
    for (const r of results) {
        lines.push(`${MARK[r.status]}  ${r.check.padEnd(width)}  ${r.detail}`);
        if (r.fix) lines.push(`${" ".repeat(width + 8)}fix: ${r.fix}`);
    }
    const failed = results.filter((r) => r.status === "fail").length;
    const warned = results.filter((r) => r.status === "warn").length;
    lines.push("", failed ? `${failed} check(s) failed, ${warned} warning(s): fix the failures, then run the doctor again` : `all checks passed${warned ? `, ${warned} warning(s)` : ""}`);
    return lines.join("\n");
}
