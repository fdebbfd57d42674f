/**
 * The offline plan: runs the real program under Pulumi's mock runtime with a stack's YAML config.
 *   npm run plan -- --stack dev|prod [--out DIR]
 * Prints the resource tree, a summary, the outputs and what to do next; with --out writes DIR/resources.json
 * (secrets as "[secret]") and DIR/files/<host path> (a host other than the edge host: DIR/hosts/<address>/<host path>).
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { redact, runOffline } from "./offline";
import { plannedFiles } from "./planFiles";
import { renderSummary, summarize } from "./planSummary";
import { renderTree } from "./planTree";
import { ROOT, readStackConfig } from "./stackConfig";

const USAGE = "usage: npm run plan -- --stack <name> [--out DIR]";

/** A mistake in how the plan was called: one line, no stack trace. */
class UsageError extends Error {}

function stacks(): string[] {
    return fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
}

export function parseArgs(argv: string[]): { stack: string; out?: string } {
    const opts: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const m = /^--(stack|out)(?:=(.*))?$/.exec(argv[i]);
        if (!m) {
            // `npm run plan --stack dev` hands the plan only `dev`: npm kept `--stack` for itself.
            const hint = argv[i].startsWith("-") ? "" : `; npm needs -- before the plan's own arguments: npm run plan -- --stack ${argv[i]}`;
            throw new UsageError(`unexpected argument '${argv[i]}'${hint}. ${USAGE}`);
        }
        const value = m[2] ?? argv[++i];
        if (value === undefined || value === "") throw new UsageError(`--${m[1]} needs a value. ${USAGE}`);
        opts[m[1]] = value;
    }
    if (!opts.stack) throw new UsageError(`which stack? ${USAGE} (stacks here: ${stacks().join(", ")})`);
    if (!stacks().includes(opts.stack)) throw new UsageError(`no stack '${opts.stack}': there is no Pulumi.${opts.stack}.yaml; stacks here: ${stacks().join(", ")}`);
    return { stack: opts.stack, ...(opts.out ? { out: opts.out } : {}) };
}

/** What to do after reading the plan, in order. */
function nextSteps(stack: string, outputs: Record<string, unknown>, warnings: string[]): string[] {
    const urls = (outputs.urls ?? {}) as Record<string, string>;
    const todo = ((outputs.wiring as { todo?: string[] } | undefined)?.todo ?? []).map((t) => `after the first up: ${t}`);
    return [
        ...(warnings.some((w) => w.includes("example value") || w.includes("demo key")) ? [`replace the example values in Pulumi.${stack}.yaml (the warnings above)`] : []),
        `pulumi stack select ${stack}, then pulumi preview (the same plan, against the real host) and pulumi up`,
        "pulumi stack output adminCredentials --show-secrets (and userCredentials for the household)",
        ...(outputs.backup ? ["pulumi stack output backup --show-secrets: keep the repository and its password somewhere off the server"] : []),
        ...(outputs.devCaCertificate ? ["pulumi stack output devCaCertificate > monsterr-dev-ca.pem, then import it into your browser as a trusted authority"] : []),
        `sign in at ${urls.authelia ?? "https://auth.<domain>"}; enrolling a second factor asks for a one-time code, which Authelia writes to <configRoot>/authelia/notification.txt on the host`,
        ...todo,
    ];
}

async function main(): Promise<void> {
    const { stack, out } = parseArgs(process.argv.slice(2));
    const config = readStackConfig(stack);
    const started = process.hrtime.bigint();
    const run = await runOffline(config, stack);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    console.log(renderTree(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")));
    console.log(`\nstack ${stack}: ${run.resources.length} resources, ${run.resources.filter((r) => r.type === "docker:index/container:Container").length} containers, planned in ${seconds.toFixed(2)} s\n`);
    const summary = summarize(run.resources, run.outputs, config);
    console.log(renderSummary(stack, summary));
    // The dev CA exists only after an up; the plan's placeholder is no certificate to import.
    const shown = { ...(redact(run.outputs) as Record<string, unknown>), ...(run.outputs.devCaCertificate ? { devCaCertificate: "(made by pulumi up)" } : {}) };
    console.log("\nOutputs:", JSON.stringify(shown, null, 2));
    console.log(`\nNext:\n${nextSteps(stack, run.outputs, summary.warnings).map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`);

    if (out) {
        fs.rmSync(out, { recursive: true, force: true });
        fs.mkdirSync(out, { recursive: true });
        const resources = run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: redact(r.inputs) }));
        fs.writeFileSync(path.join(out, "resources.json"), JSON.stringify(resources, null, 2) + "\n");
        const files = plannedFiles(run.resources);
        for (const f of files) {
            const target = f.host ? path.join(out, "hosts", f.host, f.path) : path.join(out, "files", f.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, f.content ?? "[secret]\n");
        }
        console.log(`\nwrote ${path.join(out, "resources.json")} and ${path.join(out, "files")}/${files.some((f) => f.host) ? ` (other hosts: ${path.join(out, "hosts")}/)` : ""}`);
    }
}

// Node exits quietly (status 0) once nothing is left to wait for, even if the program never finished: a value it
// awaits that can never resolve (say, a mocked resource missing an output). Never let that pass for a plan.
let finished = false;
if (require.main === module) {
    process.on("beforeExit", () => {
        if (!finished) {
            console.error("The plan never finished: the program waits on a value that can never resolve. Rerun with PULUMI_DEBUG_PROMISE_LEAKS=true to see which.");
            process.exit(1);
        }
    });
    main().then(() => (finished = true)).catch((err: unknown) => {
        finished = true;
        if (err instanceof ConfigError || err instanceof UsageError) console.error(err.message);
        else console.error(err instanceof Error ? err.stack ?? err.message : err);
        process.exit(err instanceof UsageError ? 2 : 1);
    });
}
