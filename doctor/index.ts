import { spawnSync } from "child_process";
import { EXAMPLE_DOMAIN, isDemoHostKey } from "../config/examples";
import { hostConfigOf, hostNames, hostSettingKey } from "../config/placement";
import { ValidConfig } from "../config/validate";
import { CheckResult, hostChecks, peersOf, wantedDevices } from "./checks";
import { SshHost, runOnHost } from "./connect";
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
    const ssh = sshHosts(config);
    const examples: [string, string][] = [
        ["domain", config.domain],
        ["adminEmail", config.adminEmail.split("@").pop() ?? ""],
        ...ssh.map(([key, h]): [string, string] => [`${key}.address`, h.address]),
    ];
    for (const [key, value] of examples.filter(([, v]) => EXAMPLE_DOMAIN.test(v))) {
        out.push({ check: "settings", status: "fail", detail: `monsterr:${key} is still the example value (${value})`, fix: `pulumi config set ${key.includes(".") ? `--path monsterr:${key}` : `monsterr:${key}`} <yours>` });
    }
    for (const [key] of ssh.filter(([, h]) => isDemoHostKey(h.hostKey))) {
        out.push({ check: "settings", status: "fail", detail: `monsterr:${key}.hostKey is the example key, which no host has`, fix: "run npm run doctor again after pinning: it shows the key your host presents and its fingerprint to compare" });
    }
    return out.length ? out : [{ check: "settings", status: "pass", detail: "no example values left" }];
}

/** The stack's SSH hosts with the key their settings live under: `host` (the edge host), then `hosts.<name>`. */
function sshHosts(config: ValidConfig): [string, SshHost][] {
    return hostNames(config).flatMap((name): [string, SshHost][] => {
        const t = hostConfigOf(config, name);
        return t.kind === "ssh" ? [[hostSettingKey(name), t]] : [];
    });
}

/**
 * Every check against the stack's hosts, in the order a newcomer fixes them: the edge host, then each other host
 * (`monsterr:hosts`) with its checks named after it.
 */
export async function runDoctor(config: ValidConfig, opts: DoctorOptions = {}): Promise<CheckResult[]> {
    const results = settingsChecks(config);
    const placeholder = (key: string) => results.some((r) => r.status === "fail" && r.detail.startsWith(`monsterr:${key} `));
    const several = Object.keys(config.hosts).length > 0;
    for (const host of hostNames(config)) {
        const script = factsScript(config.storage, config.timezone, [...wantedDevices(config, host).keys()], peersOf(config, host));
        const named = (checks: CheckResult[]) => (several ? checks.map((c) => ({ ...c, host })) : checks);
        const target = hostConfigOf(config, host);
        if (target.kind === "ssh") {
            // An example address or key names no host to ask: the settings' failures say what to fill in first.
            const key = hostSettingKey(host);
            if (placeholder(`${key}.address`) || placeholder(`${key}.hostKey`)) continue;
            const session = runOnHost(target, script, opts.identity);
            results.push(...named(session.checks));
            if (session.stdout !== undefined) results.push(...named(hostChecks(config, parseFacts(session.stdout), host)));
        } else {
            const r = spawnSync("/bin/sh", ["-s"], { input: script, encoding: "utf8" });
            results.push(...hostChecks(config, parseFacts(r.stdout)));
        }
    }
    if (config.host.kind === "ssh" && config.tls.mode === "letsencrypt" && !placeholder("domain") && !placeholder("host.address")) {
        results.push(...(await dnsChecks(config.domain, config.host.address, opts.dnsServers)));
    }
    return results;
}

/** A check's name as the table shows it: after its host's on a stack with several hosts. */
export function checkLabel(r: CheckResult): string {
    return r.host ? `${r.host}: ${r.check}` : r.check;
}

const MARK: Record<CheckResult["status"], string> = { pass: "ok  ", warn: "WARN", fail: "FAIL" };

/** The results as a table, each failure and warning followed by its fix. */
export function renderResults(results: CheckResult[]): string {
    const width = Math.max(...results.map((r) => checkLabel(r).length));
    const lines: string[] = [];
    for (const r of results) {
        lines.push(`${MARK[r.status]}  ${checkLabel(r).padEnd(width)}  ${r.detail}`);
        if (r.fix) lines.push(`${" ".repeat(width + 8)}fix: ${r.fix}`);
    }
    const failed = results.filter((r) => r.status === "fail").length;
    const warned = results.filter((r) => r.status === "warn").length;
    lines.push("", failed ? `${failed} check(s) failed, ${warned} warning(s): fix the failures, then run the doctor again` : `all checks passed${warned ? `, ${warned} warning(s)` : ""}`);
    return lines.join("\n");
}
