import { NO_RECEIVER_WARNING, hasReceiver } from "../config/alerting";
import { ConfigError } from "../config/errors";
import { validateEngineConfig } from "../config/load";
import { ValidConfig } from "../config/validate";
import { toEngineConfig } from "../scripts/stackConfig";
import { checkLabel, renderResults, runDoctor } from "../doctor";
import { EDGE_HOST } from "../config/placement";
import { CheckResult } from "../doctor/checks";
import { scanHostKey, SshHost } from "../doctor/connect";
import { OPENVPN_NO_USER } from "../config/vpn";
import { vpnProvider } from "../config/schema/settings";
import { Answers, QUESTIONS, Question } from "./questions";
import { StackFile } from "./stackFile";

/** How the wizard talks to its user: a terminal (inquirer) or a scripted list of answers (tests, pipelines). */
export interface Asker {
    ask(q: Question, dflt: string, validate: (v: string) => string | undefined): Promise<string>;
    /** `id` says which question it is (`hostKey` with the fingerprint as `context`, `writeDespiteFailures`, `write`). */
    confirm(id: "hostKey" | "writeDespiteFailures" | "write", message: string, dflt: boolean, context?: string): Promise<boolean>;
    say(text: string): void;
}

export interface SetupOptions {
    stack: string;
    file: StackFile;
    identity?: string;
    dnsServers?: string[];
    /** Accept the summary without asking (the answers file has been reviewed). */
    yes?: boolean;
    /** The host checks (the doctor's by default). */
    doctor?: (config: ValidConfig) => Promise<CheckResult[]>;
}

export interface SetupResult {
    /** The stack file's new text, when the user confirmed it. */
    written?: string;
    /** Failed checks and refused settings, each with its fix: the reason the wizard stopped or what to fix later. */
    problems: string[];
    /** Secrets the answers need that the stack does not have yet: set after the file is written. */
    secrets?: { key: string; what: string }[];
    /** Commands for the secrets, which the wizard never sees: `pulumi config set` prompts without echo. */
    secretCommands: string[];
}

/** Pulumi reads the value from its own no-echo prompt (or stdin), never from the command line. */
export function secretArgs(stack: string, key: string): string[] {
    return ["config", "set", "--stack", stack, "--secret", `monsterr:${key}`];
}

export function secretCommand(stack: string, key: string): string {
    return ["pulumi", ...secretArgs(stack, key)].join(" ");
}

/** The question a refused setting's key comes from (`monsterr:host.sshdPort` -> port), to ask it again. */
export function questionFor(issueKey: string): Question | undefined {
    const key = issueKey.replace(/^monsterr:/, "").replace(/\[\d+\]$/, "");
    const owns = (q: Question, k: string) => q.setting === k || q.alsoFor?.includes(k);
    // The exact setting first, then the nearest declared parent (services.plex.enabled -> services).
    for (let k = key; k; k = k.includes(".") ? k.slice(0, k.lastIndexOf(".")) : "") {
        const q = QUESTIONS.find((x) => owns(x, k));
        if (q) return q;
    }
    return undefined;
}

/** Secrets the answers call for, each with what it is, e.g. DNS-01 credentials for a dns challenge. */
export function neededSecrets(a: Answers): { key: string; what: string }[] {
    const out: { key: string; what: string }[] = [];
    if (a.tls === "letsencrypt" && a.challenge === "dns") out.push({ key: "dnsCredentials", what: `${a.dnsProvider} API credentials in certbot's INI form (e.g. dns_cloudflare_api_token = ...)` });
    if (a.vpnProvider && a.vpnType === "wireguard") out.push({ key: "vpnWireguardPrivateKey", what: "the PrivateKey line of the provider's WireGuard config" });
    if (a.vpnProvider && a.vpnType === "openvpn" && !OPENVPN_NO_USER.includes(vpnProvider(a.vpnProvider))) {
        out.push({ key: "vpnOpenvpnUser", what: "the provider's OpenVPN service user (not the account login)" }, { key: "vpnOpenvpnPassword", what: "the provider's OpenVPN service password" });
    }
    return out;
}

/** The edge host's memory as the doctor found it, so the plan can weigh the apps' limits against it (host.memoryMb). */
export function edgeMemoryMb(results: CheckResult[]): number | undefined {
    const memory = /cores, ([\d.]+) GiB/.exec(results.find((r) => r.check === "cpu and memory" && (r.host ?? EDGE_HOST) === EDGE_HOST)?.detail ?? "");
    return memory ? Math.floor(Number(memory[1]) * 1024) : undefined;
}

async function askOne(asker: Asker, q: Question, answers: Answers, existing: Answers): Promise<void> {
    answers[q.id] = await asker.ask(q, answers[q.id] ?? q.default(existing), (v) => q.validate(v, answers));
}

/**
 * The whole wizard: every question with the file's values (or detected ones) as defaults, each answer checked as it
 * is given; the server's host key shown as a fingerprint to confirm before it is pinned; the settings checked by the
 * program's own validation and the host by the doctor; a summary; nothing written before it is confirmed.
 */
export async function runSetup(asker: Asker, opts: SetupOptions): Promise<SetupResult> {
    const existing = opts.file.answers();
    const answers: Answers = {};
    const problems: string[] = [];
    for (const q of QUESTIONS) if (!q.when || q.when(answers)) await askOne(asker, q, answers, existing);

    const learned: { hostKey?: string; memoryMb?: number; keyOf?: string } = {};
    /** Pins the key of the host the answers name, once its fingerprint is confirmed; again whenever the address changes. */
    const pin = async (): Promise<boolean> => {
        if (answers.hostType !== "ssh" || learned.keyOf === `${answers.address}:${answers.port}`) return true;
        const target: SshHost = { kind: "ssh", address: answers.address, port: Number(answers.port), sshdPort: Number(answers.port), user: answers.user, hostKey: existing.hostKey ?? "" };
        const seen = scanHostKey(target);
        if (!seen) {
            problems.push(`ssh: ${answers.address}:${answers.port} does not answer with an ed25519 host key; check the address and port, and that sshd runs`);
            return false;
        }
        asker.say(`${answers.address} presents the host key ${seen.fingerprint}.\nCompare it with the host's own (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).`);
        if (existing.hostKey !== seen.line && !(await asker.confirm("hostKey", `Is ${seen.fingerprint} your server's fingerprint? It is pinned only if you say so`, false, seen.fingerprint))) {
            problems.push(`host key: ${seen.fingerprint} not confirmed; nothing was written. Check the fingerprint on the server's console and run the setup again`);
            return false;
        }
        learned.hostKey = seen.line;
        learned.keyOf = `${answers.address}:${answers.port}`;
        return true;
    };
    if (!(await pin())) return { problems, secretCommands: [] };

    // The program's own validation: a refused setting sends the user back to its question.
    let config: ValidConfig | undefined;
    for (let round = 0; round < 5 && !config; round++) {
        opts.file.apply(answers, learned);
        try {
            // Secrets the answers call for are set after the file is written (pulumi config set --secret writes
            // into it); until then they count as set, so the rest of the settings can be checked.
            const pending = Object.fromEntries(neededSecrets(answers).map((s) => [`monsterr:${s.key}`, { secure: "pending" }]));
            const engine = toEngineConfig({ ...pending, ...opts.file.config() });
            config = validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            for (const issue of e.issues) {
                asker.say(`${issue.key}: ${issue.problem}. Fix: ${issue.fix}`);
                const q = questionFor(issue.key);
                if (!q) {
                    problems.push(`${issue.key}: ${issue.problem} (${issue.fix})`);
                    return { problems, secretCommands: [] };
                }
                await askOne(asker, q, answers, existing);
            }
            if (!(await pin())) return { problems, secretCommands: [] };
        }
    }
    if (!config) return { problems: [...problems, "the settings were refused five times; nothing was written"], secretCommands: [] };

    if (config.services.alertmanager.enabled && !hasReceiver(config.alerting)) asker.say(`Warning: ${NO_RECEIVER_WARNING}.`);
    asker.say("Checking the host the way `pulumi up` will reach it...");
    const results: CheckResult[] = await (opts.doctor ?? ((c) => runDoctor(c, { identity: opts.identity, dnsServers: opts.dnsServers })))(config);
    asker.say(renderResults(results));
    const memoryMb = edgeMemoryMb(results);
    if (memoryMb !== undefined) learned.memoryMb = memoryMb;
    opts.file.apply(answers, learned);
    const failed = results.filter((r) => r.status === "fail");
    problems.push(...failed.map((r) => `${checkLabel(r)}: ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ""}`));
    if (failed.length && !(await asker.confirm("writeDespiteFailures", `${failed.length} check(s) failed. Write the settings anyway and fix the host before pulumi up?`, false))) {
        return { problems, secretCommands: [] };
    }

    asker.say(`Pulumi.${opts.stack}.yaml will read:\n\n${opts.file.toString()}`);
    if (!opts.yes && !(await asker.confirm("write", `Write Pulumi.${opts.stack}.yaml?`, true))) return { problems: [...problems, "not confirmed; nothing was written"], secretCommands: [] };
    const secrets = neededSecrets(answers).filter((s) => !opts.file.hasSecret(s.key));
    const secretCommands = [
        ...secrets.map((s) => `${secretCommand(opts.stack, s.key)}   # ${s.what}`),
        ...(opts.identity ? [`pulumi config set --stack ${opts.stack} --secret monsterr:sshPrivateKey < ${opts.identity}   # optional: or leave it to ssh-agent`] : []),
        `pulumi config set --stack ${opts.stack} --secret monsterr:plexClaim   # optional: a claim from https://plex.tv/claim, just before the first up`,
    ];
    return { written: opts.file.toString(), problems, secrets, secretCommands };
}
