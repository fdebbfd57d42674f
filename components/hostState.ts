import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { shQuote } from "./shell";

/**
 * Host state with a real read. Files, directories and firewall rules are written by command resources, which have no
 * read; a HostState resource holds, for each of them, a probe (a shell command printing one line) and the line it
 * must print. `pulumi refresh` runs every probe in one script over one SSH session and records what the host prints,
 * so a hand edit, a chmod or a flushed rule is a diff on `preview --refresh`; on `up` the resource counts a repair for
 * the writer of each drifted probe, and that writer (whose script carries the count) runs again.
 */

/** How the read reaches the host: a local shell (the dev stack) or ssh with the pinned host key. */
export type HostStateConnection =
    | { kind: "local" }
    | { kind: "ssh"; host: string; port: number; user: string; sshOpts: string[]; privateKey?: string; sudo: boolean };

export interface Probe {
    /** Shell command printing the probe's result on one line (run as root on an SSH host). */
    command: string;
    /** The writer that puts it back: a key of `generations`. */
    repair: string;
}

export interface HostStateInputs {
    connection: HostStateConnection;
    probes: Record<string, Probe>;
    /** What each probe must print; secret files' probes in `secretState` (their hashes stay secret in state). */
    state: Record<string, string>;
    secretState: Record<string, string>;
}

export interface HostStateOutputs extends HostStateInputs {
    /** `state` as last applied: a difference from the new inputs is a deliberate change, not drift. */
    wanted: Record<string, string>;
    secretWanted: Record<string, string>;
    /** Per writer, how many times drift made it run again. */
    generations: Record<string, number>;
}

/** Shell functions the probes use: a file's `mode owner sha256` (or `absent`), a directory's stat (or `absent`). */
const PROBE_FUNCTIONS = [
    'f() { if [ -f "$1" ]; then printf \'%s %s\\n\' "$(stat -c "$2" "$1")" "$(sha256sum <"$1" | cut -c1-64)"; else echo absent; fi; }',
    'd() { if [ -d "$1" ]; then stat -c "$2" "$1"; else echo absent; fi; }',
];

/** One script printing `<index>\t<result>` per probe; a failing probe prints nothing for itself, never stops the rest. */
export function probeScript(probes: Record<string, Probe>): string {
    // Untranslated, C-sorted output (`ufw status`, `sort`) whatever locale the ssh session or sudo carries.
    const lines = ["set -u", "export LC_ALL=C", ...PROBE_FUNCTIONS];
    Object.values(probes).forEach((p, i) => lines.push(`r=$( { ${p.command}; } 2>/dev/null | tr '\\n' ' ' ) || true; printf '%s\\t%s\\n' ${i} "\${r% }"`));
    return lines.join("\n") + "\n";
}

/** Parses the script's output back into results by probe key; a probe with no line reads as `unreadable`. */
export function parseProbeOutput(probes: Record<string, Probe>, stdout: string): Record<string, string> {
    const keys = Object.keys(probes);
    const out: Record<string, string> = Object.fromEntries(keys.map((k) => [k, "unreadable"]));
    for (const line of stdout.split("\n")) {
        const tab = line.indexOf("\t");
        const i = Number(line.slice(0, tab));
        if (tab > 0 && Number.isInteger(i) && keys[i] !== undefined) out[keys[i]] = line.slice(tab + 1).trimEnd();
    }
    return out;
}

/** Runs the probe script once on the host (sudo for a non-root login) and returns its stdout. */
export function runProbes(conn: HostStateConnection, scriptText: string): string {
    if (conn.kind === "local") return childProcess.execFileSync("/bin/sh", ["-s"], { input: scriptText, encoding: "utf8", maxBuffer: 64 << 20 });
    const sshDir = path.join(os.homedir(), ".ssh");
    if (!fs.existsSync(sshDir)) fs.mkdirSync(sshDir, { mode: 0o700, recursive: true });
    let keyDir: string | undefined;
    const args = [...conn.sshOpts, "-p", String(conn.port)];
    try {
        if (conn.privateKey) {
            keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-state-"));
            const keyFile = path.join(keyDir, "id");
            fs.writeFileSync(keyFile, conn.privateKey.endsWith("\n") ? conn.privateKey : `${conn.privateKey}\n`, { mode: 0o600 });
            args.push("-i", keyFile, "-o", "IdentitiesOnly=yes");
        }
        args.push(`${conn.user}@${conn.host}`, conn.sudo ? "sudo -n sh -s" : "sh -s");
        const r = childProcess.spawnSync("ssh", args, { input: scriptText, encoding: "utf8", maxBuffer: 64 << 20 });
        if (r.status !== 0) throw new Error(`reading the host's state over ssh failed (exit ${r.status}): ${(r.stderr ?? "").trim().slice(0, 500)}`);
        return r.stdout;
    } finally {
        if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    }
}

/** The keys whose probe reads differently from what the inputs want. */
export function drifted(found: Record<string, string>, wanted: Record<string, string>): string[] {
    return Object.keys(wanted).filter((k) => found[k] !== wanted[k]);
}

/**
 * Counts a repair for every writer with a probe that drifted while its wanted value stayed the same (a changed wanted
 * value is the program's own change: its writer runs anyway). Exported for the unit tests.
 */
export function nextGenerations(olds: HostStateOutputs, news: HostStateInputs): Record<string, number> {
    const generations = { ...(olds.generations ?? {}) };
    const repairs = new Set<string>();
    for (const [found, wantedBefore, wanted] of [
        [olds.state, olds.wanted, news.state],
        [olds.secretState, olds.secretWanted, news.secretState],
    ] as const) {
        for (const k of drifted(found ?? {}, wanted)) {
            if ((wantedBefore ?? {})[k] === wanted[k] && news.probes[k]) repairs.add(news.probes[k].repair);
        }
    }
    for (const r of repairs) generations[r] = (generations[r] ?? 0) + 1;
    return generations;
}

export const hostStateProvider: pulumi.dynamic.ResourceProvider = {
    // Nothing to do on the host: the writers that depend on this resource write what `state` says.
    async create(inputs: HostStateInputs) {
        const outs: HostStateOutputs = { ...inputs, wanted: inputs.state, secretWanted: inputs.secretState, generations: {} };
        return { id: "host-state", outs };
    },
    async read(id: string, props: HostStateOutputs) {
        const all = { ...props.probes };
        const found = parseProbeOutput(all, runProbes(props.connection, probeScript(all)));
        const pick = (keys: Record<string, string>) => Object.fromEntries(Object.keys(keys).map((k) => [k, found[k]]));
        return { id, props: { ...props, state: pick(props.state), secretState: pick(props.secretState) } };
    },
    async diff(_id: string, olds: HostStateOutputs, news: HostStateInputs) {
        const changes =
            drifted(olds.state ?? {}, news.state).length > 0 ||
            drifted(olds.secretState ?? {}, news.secretState).length > 0 ||
            Object.keys(olds.state ?? {}).length !== Object.keys(news.state).length ||
            Object.keys(olds.secretState ?? {}).length !== Object.keys(news.secretState).length ||
            JSON.stringify(olds.probes) !== JSON.stringify(news.probes) ||
            JSON.stringify(olds.connection) !== JSON.stringify(news.connection);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, olds: HostStateOutputs, news: HostStateInputs) {
        const outs: HostStateOutputs = { ...news, wanted: news.state, secretWanted: news.secretState, generations: nextGenerations(olds, news) };
        return { outs };
    },
    // The probes only read; the writers' own deletes clean the host.
    async delete() {},
};

export interface HostStateArgs {
    connection: pulumi.Input<HostStateConnection>;
    probes: pulumi.Input<Record<string, Probe>>;
    state: pulumi.Input<Record<string, string>>;
    secretState: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class HostState extends pulumi.dynamic.Resource {
    declare readonly generations: pulumi.Output<Record<string, number>>;
    declare readonly state: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: HostStateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            hostStateProvider,
            name,
            { ...args, wanted: undefined, secretWanted: undefined, generations: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["connection", "secretState", "secretWanted"] }),
            "monsterr",
            "HostState",
        );
    }
}

/** A probe's expected line for a file: `mode[ owner] sha256`, as `f` prints it. */
export function fileProbe(p: string, withOwner: boolean): string {
    return `f ${shQuote(p)} ${withOwner ? "'%a %u:%g'" : "'%a'"}`;
}

export function dirProbe(p: string, format: string): string {
    return `d ${shQuote(p)} ${shQuote(format)}`;
}

/** `0640` as stat's `%a` prints it: `640`. */
export function statMode(mode: string): string {
    return parseInt(mode, 8).toString(8);
}

/** A probe and the line it must print; `secret` keeps the expected line (a secret file's hash) secret in state. */
export interface WatchedProbe {
    key: string;
    command: string;
    expect: pulumi.Input<string>;
    secret?: boolean;
}

/**
 * Collects the probes of every writer while the program builds its resources, then creates one HostState for them
 * all (`finish`). `watch` hands the writer its repair count before that resource exists (a deferred output).
 */
export class HostStateRegistry {
    private readonly probes: Record<string, Probe> = {};
    private readonly state: Record<string, pulumi.Input<string>> = {};
    private readonly secretState: Record<string, pulumi.Input<string>> = {};
    private readonly pending: { repair: string; resolve: (o: pulumi.Output<number>) => void }[] = [];
    private finished = false;

    constructor(readonly connection: pulumi.Input<HostStateConnection>) {}

    watch(repair: string, probes: WatchedProbe[]): pulumi.Output<number> {
        if (this.finished) throw new Error(`host state already created: ${repair} registered too late`);
        for (const p of probes) {
            if (this.probes[p.key]) throw new Error(`host state probe ${p.key} registered twice`);
            this.probes[p.key] = { command: p.command, repair };
            // A plain file's content may be derived from a secret without holding one: its hash stays readable in diffs.
            if (p.secret) this.secretState[p.key] = pulumi.secret(p.expect);
            else this.state[p.key] = pulumi.unsecret(pulumi.output(p.expect));
        }
        const [out, resolve] = pulumi.deferredOutput<number>();
        this.pending.push({ repair, resolve });
        return out;
    }

    /** The HostState resource of everything watched (none when nothing is), and each writer's repair count. */
    finish(name: string, opts: pulumi.CustomResourceOptions): HostState | undefined {
        this.finished = true;
        if (this.pending.length === 0) return undefined;
        const resource = new HostState(name, { connection: this.connection, probes: this.probes, state: this.state as Record<string, string>, secretState: this.secretState }, opts);
        for (const p of this.pending) p.resolve(resource.generations.apply((g) => g?.[p.repair] ?? 0));
        return resource;
    }
}

/** A writer's script with its repair count: a new count changes the script, so the command runs it again. */
export function withRepair(create: pulumi.Input<string>, repair: pulumi.Input<number> | undefined): pulumi.Input<string> {
    if (repair === undefined) return create;
    return pulumi.all([create, repair]).apply(([c, r]) => (r ? `${c}\n# monsterr repair ${r}` : c));
}
