import { spawnSync } from "child_process";
import { HostConfig } from "../config/types";
import { hostTarget } from "../components/hostTarget";
import { CheckResult } from "./checks";

export type SshHost = Extract<HostConfig, { kind: "ssh" }>;

export interface SessionResult {
    /** The checks about getting in at all: reachable, the pinned host key, the login. */
    checks: CheckResult[];
    /** The script's stdout when the login worked. */
    stdout?: string;
}

/** What the host presents, as `ssh-keyscan` reads it, with its fingerprint: shown to the user to confirm, never trusted silently. */
export function scanHostKey(host: SshHost): { line: string; fingerprint: string } | undefined {
    const scan = spawnSync("ssh-keyscan", ["-T", "5", "-p", String(host.port), "-t", "ed25519", host.address], { encoding: "utf8" });
    const line = scan.stdout.split("\n").find((l) => l && !l.startsWith("#"));
    if (!line) return undefined;
    const fp = spawnSync("ssh-keygen", ["-l", "-f", "-"], { input: `${line}\n`, encoding: "utf8" });
    return { line: line.split(" ").slice(1).join(" "), fingerprint: fp.stdout.split(" ")[1] ?? "?" };
}

/**
 * Runs `script` on the host as the stack's user, with the same pinned host key and ssh options as the Docker provider,
 * and turns the ways that fails into checks with their fix.
 */
export function runOnHost(host: SshHost, script: string, identity?: string): SessionResult {
    // A fresh connection, never a multiplexed one: a live master would skip the host key and login being checked,
    // and keep the groups of an older login.
    const opts = hostTarget(host).dockerSshOpts;
    const pinned = opts.filter((o, i) => !(o === "-o" && /^Control(Master|Path|Persist)=/.test(opts[i + 1] ?? "")) && !(opts[i - 1] === "-o" && /^Control(Master|Path|Persist)=/.test(o)));
    const args = [...pinned, "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "ConnectTimeout=10", "-p", String(host.port), ...(identity ? ["-i", identity, "-o", "IdentitiesOnly=yes"] : []), `${host.user}@${host.address}`, "sh -s"];
    const r = spawnSync("ssh", args, { input: script, encoding: "utf8", timeout: 60_000 });
    const err = (r.stderr ?? "").trim();
    const where = `${host.user}@${host.address}:${host.port}`;
    if (r.status === 0) {
        return { checks: [{ check: "ssh", status: "pass", detail: `logged in as ${where}, host key as pinned` }], stdout: r.stdout };
    }
    if (/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|no matching host key|host key .* not verified/i.test(err)) {
        const seen = scanHostKey(host);
        return {
            checks: [
                {
                    check: "host key",
                    status: "fail",
                    detail: `${host.address} does not present the pinned key${seen ? `; it presents ${seen.fingerprint}` : ""}`,
                    fix: seen
                        ? `compare ${seen.fingerprint} with the host's own (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); only if they match: pulumi config set --path monsterr:host.hostKey '${seen.line}'`
                        : `pin the host's key: on its console, cat /etc/ssh/ssh_host_ed25519_key.pub, then pulumi config set --path monsterr:host.hostKey '<that line without the comment>'`,
                },
            ],
        };
    }
    if (/permission denied/i.test(err)) {
        return { checks: [{ check: "ssh", status: "fail", detail: `${where} refused the login: ${err.slice(0, 200)}`, fix: `add your public key to ~${host.user}/.ssh/authorized_keys on the host (ssh-copy-id -p ${host.port} ${host.user}@${host.address}), or load the right key into ssh-agent` }] };
    }
    return { checks: [{ check: "ssh", status: "fail", detail: `cannot reach ${where}: ${err.slice(0, 200) || `ssh exited ${r.status}`}`, fix: `check host.address and host.port, that sshd runs and that a firewall lets you in (ssh -p ${host.port} ${host.user}@${host.address})` }] };
}
