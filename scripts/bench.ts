/**
 * How long the offline plan takes, the way Pulumi runs the program: `npm run bench [-- --runs N]`.
 * Each stack is planned N times (5 by default) per way of loading TypeScript, in a fresh process; the table shows the
 * median wall time, CPU time and peak memory of the whole process.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./stackConfig";

interface Mode {
    name: string;
    args: string[];
}

/** Pulumi's ts-node type-checks unless its tsconfig says noCheck (Pulumi.yaml names tsconfig.pulumi.json). */
const MODES: Mode[] = [
    { name: "ts-node, type-checked (Pulumi's default)", args: [] },
    { name: "ts-node, transpile only (tsconfig.pulumi.json)", args: ["--transpile-only"] },
];

interface Sample {
    wallMs: number;
    cpuMs: number;
    maxRssKb: number;
}

function runOnce(mode: Mode, stack: string): Sample {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "usage.json");
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "benchProbe.js"), tsNode, ...mode.args, path.join(ROOT, "scripts", "plan.ts"), "--stack", stack], {
        cwd: ROOT,
        env: { ...process.env, MONSTERR_BENCH_OUT: out },
        encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`plan of ${stack} failed (${mode.name}):\n${r.stderr}`);
    const usage = JSON.parse(fs.readFileSync(out, "utf8")) as { cpuMs: number; maxRssKb: number };
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    return { wallMs, ...usage };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(argv: string[]): void {
    const i = argv.indexOf("--runs");
    const runs = i >= 0 ? Number(argv[i + 1]) : 5;
    if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error("usage: npm run bench -- [--runs N] (1 to 50)");
    const rows = [["stack", "TypeScript", "wall (median)", "CPU", "peak memory"]];
    for (const stack of ["dev", "prod"]) {
        for (const mode of MODES) {
            const samples = Array.from({ length: runs }, () => runOnce(mode, stack));
            rows.push([stack, mode.name, `${(median(samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s`, `${(median(samples.map((s) => s.cpuMs)) / 1000).toFixed(2)} s`, `${Math.round(median(samples.map((s) => s.maxRssKb)) / 1024)} MiB`]);
        }
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`${runs} run(s) each on ${os.cpus().length} cores, node ${process.version}\n`);
    for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  "));
}

main(process.argv.slice(2));
