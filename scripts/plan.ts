/**
 * The offline plan: runs the real program under Pulumi's mock runtime with a stack's YAML config.
 *   npm run plan -- --stack dev|prod [--out DIR]
 * Prints the resource tree; with --out writes DIR/resources.json (secrets as "[secret]") and DIR/files/<host path>.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { redact, runOffline } from "./offline";
import { plannedFiles } from "./planFiles";
import { renderTree } from "./planTree";
import { readStackConfig } from "./stackConfig";

function parseArgs(argv: string[]): { stack: string; out?: string } {
    let stack: string | undefined;
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack") stack = argv[++i];
        else if (argv[i] === "--out") out = argv[++i];
        else throw new Error(`unknown argument ${argv[i]}; usage: npm run plan -- --stack dev|prod [--out DIR]`);
    }
    if (!stack) throw new Error("usage: npm run plan -- --stack dev|prod [--out DIR]");
    return { stack, out };
}

async function main(): Promise<void> {
    const { stack, out } = parseArgs(process.argv.slice(2));
    const started = process.hrtime.bigint();
    const run = await runOffline(readStackConfig(stack), stack);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    console.log(renderTree(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")));
    const containers = run.resources.filter((r) => r.type === "docker:index/container:Container").length;
    console.log(`\nstack ${stack}: ${run.resources.length} resources, ${containers} containers, planned in ${seconds.toFixed(2)} s`);
    console.log("outputs:", JSON.stringify(redact(run.outputs), null, 2));

    if (out) {
        fs.rmSync(out, { recursive: true, force: true });
        fs.mkdirSync(out, { recursive: true });
        const resources = run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: redact(r.inputs) }));
        fs.writeFileSync(path.join(out, "resources.json"), JSON.stringify(resources, null, 2) + "\n");
        for (const f of plannedFiles(run.resources)) {
            const target = path.join(out, "files", f.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, f.content ?? "[secret]\n");
        }
        console.log(`wrote ${path.join(out, "resources.json")} and ${path.join(out, "files")}/`);
    }
}

// Node exits quietly (status 0) once nothing is left to wait for, even if the program never finished: a value it
// awaits that can never resolve (say, a mocked resource missing an output). Never let that pass for a plan.
let finished = false;
process.on("beforeExit", () => {
    if (!finished) {
        console.error("The plan never finished: the program waits on a value that can never resolve. Rerun with PULUMI_DEBUG_PROMISE_LEAKS=true to see which.");
        process.exit(1);
    }
});

main().then(() => (finished = true)).catch((err: unknown) => {
    finished = true;
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
});
