/**
 * How long the offline plan takes, the way Pulumi runs the program: `npm run bench [-- --runs N]`.
 * Each plan runs N times (3 by default) in a fresh process per way of loading the program; the table shows the
 * median wall time, CPU time and peak memory of the whole process. The example stacks first, then the prod stack
 * spread over 1, 2, 5 and 10 hosts (scripts/benchStack.ts): the cost of adding hosts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./stackConfig";

interface Mode {
    name: string;
    /** The command that plans `target` (a stack name, or a host count for the generated stacks). */
    argv(target: Target): string[];
    /** A transpile cache of its own, emptied before every run (the first plan after a checkout or an edit). */
    coldCache?: boolean;
}

type Target = { stack: string } | { hosts: number };

const script = (target: Target) => ("stack" in target ? ["plan", "--stack", target.stack] : ["benchStack", "--hosts", String(target.hosts)]);
const throughCache = (t: Target) => {
    const [s, ...a] = script(t);
    return ["-r", path.join(ROOT, "scripts", "transpileCache.js"), path.join(ROOT, "scripts", `${s}.ts`), ...a];
};

/** Pulumi and the npm scripts load the program through the transpile cache (main.js); `tsc` output is the reference. */
const MODES: Mode[] = [
    { name: "transpile cache, first run", argv: throughCache, coldCache: true },
    { name: "transpile cache (Pulumi, npm run plan)", argv: throughCache },
    { name: "compiled JavaScript (tsc)", argv: (t) => { const [s, ...a] = script(t); return [path.join(ROOT, "bin", "scripts", `${s}.js`), ...a]; } },
];

interface Sample {
    wallMs: number;
    cpuMs: number;
    maxRssKb: number;
}

function runOnce(mode: Mode, target: Target): Sample {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    const out = path.join(scratch, "usage.json");
    const cache = mode.coldCache ? { MONSTERR_TS_CACHE: path.join(scratch, "ts-cache") } : {};
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "benchProbe.js"), ...mode.argv(target)], {
        cwd: ROOT,
        env: { ...process.env, MONSTERR_BENCH_OUT: out, ...cache },
        encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`plan of ${JSON.stringify(target)} failed (${mode.name}):\n${r.stderr}`);
    const usage = JSON.parse(fs.readFileSync(out, "utf8")) as { cpuMs: number; maxRssKb: number };
    fs.rmSync(scratch, { recursive: true, force: true });
    return { wallMs, ...usage };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(argv: string[]): void {
    const i = argv.indexOf("--runs");
    const runs = i >= 0 ? Number(argv[i + 1]) : 3;
    if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error("usage: npm run bench -- [--runs N] (1 to 50)");
    // The compiled rows plan what `tsc` emits now, so build first.
    const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", ROOT], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`tsc failed:\n${build.stdout}${build.stderr}`);
    // The cached rows time a warm cache, as every plan after the first one: fill it.
    for (const t of [{ stack: "dev" }, { hosts: 1 }]) {
        const warm = spawnSync(process.execPath, throughCache(t), { cwd: ROOT, encoding: "utf8" });
        if (warm.status !== 0) throw new Error(`plan of ${JSON.stringify(t)} failed:\n${warm.stderr}`);
    }
    const targets: [string, Target][] = [
        ...["dev", "prod", "split"].map((s): [string, Target] => [`stack ${s}`, { stack: s }]),
        ...[1, 2, 5, 10].map((n): [string, Target] => [`prod on ${n} host${n > 1 ? "s" : ""}`, { hosts: n }]),
    ];
    const rows = [["plan", "program loaded by", "wall (median)", "CPU", "peak memory"]];
    for (const [label, target] of targets) {
        for (const mode of MODES) {
            const samples = Array.from({ length: runs }, () => runOnce(mode, target));
            rows.push([label, mode.name, `${(median(samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s`, `${(median(samples.map((s) => s.cpuMs)) / 1000).toFixed(2)} s`, `${Math.round(median(samples.map((s) => s.maxRssKb)) / 1024)} MiB`]);
        }
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`${runs} run(s) each on ${os.cpus().length} cores, node ${process.version}\n`);
    for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  "));
}

main(process.argv.slice(2));
