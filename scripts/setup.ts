/**
 * The setup wizard: asks for a stack's settings with the current (or detected) values as defaults, checks each answer
 * as it is given and the host the way `pulumi up` will reach it, then writes Pulumi.<stack>.yaml, comments kept.
 *   npm run setup -- --stack prod [--identity FILE] [--answers FILE --yes] [--dir DIR] [--dns-server IP[:PORT]]
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError } from "../config/errors";
import { answerProblems, scriptedAsker, terminalAsker } from "../setup/askers";
import { runSetup } from "../setup/flow";
import { hasPulumiCli, setSecrets } from "../setup/secrets";
import { Answers } from "../setup/questions";
import { StackFile } from "../setup/stackFile";
import { ROOT } from "./stackConfig";

const USAGE = "usage: npm run setup -- --stack <name> [--identity FILE] [--answers FILE --yes] [--dir DIR]";

function parseArgs(argv: string[]): Record<string, string> {
    const opts: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const m = /^--(stack|identity|answers|dir|dns-server|yes)(?:=(.*))?$/.exec(argv[i]);
        if (!m) throw new ConfigError([{ key: argv[i], problem: "is not an option of the setup", fix: USAGE }]);
        opts[m[1]] = m[1] === "yes" ? "yes" : m[2] ?? argv[++i] ?? "";
        if (!opts[m[1]]) throw new ConfigError([{ key: `--${m[1]}`, problem: "needs a value", fix: USAGE }]);
    }
    if (!opts.stack || !/^[A-Za-z0-9_.-]+$/.test(opts.stack)) throw new ConfigError([{ key: "--stack", problem: "is missing or not a stack name", fix: USAGE }]);
    return opts;
}

async function main(): Promise<number> {
    const opts = parseArgs(process.argv.slice(2));
    const file = path.join(opts.dir ?? ROOT, `Pulumi.${opts.stack}.yaml`);
    const stackFile = StackFile.read(file);
    let asker;
    if (opts.answers) {
        const answers = Object.fromEntries(Object.entries((yaml.load(fs.readFileSync(opts.answers, "utf8")) ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])) as Answers;
        const problems = answerProblems(answers, stackFile.answers());
        if (problems.length) {
            console.error(`${opts.answers}: ${problems.length} answer(s) refused:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
            return 1;
        }
        asker = scriptedAsker(answers, opts.yes === "yes", (t) => console.log(t));
    } else {
        if (!process.stdin.isTTY) throw new ConfigError([{ key: "stdin", problem: "is not a terminal, so the setup cannot ask", fix: "run it in a terminal, or give --answers FILE --yes" }]);
        asker = terminalAsker();
    }
    const result = await runSetup(asker, { stack: opts.stack, file: stackFile, identity: opts.identity, dnsServers: opts["dns-server"] ? [opts["dns-server"]] : undefined, yes: opts.yes === "yes" });
    if (result.written !== undefined) {
        fs.writeFileSync(file, result.written);
        console.log(`\nwrote ${path.relative(process.cwd(), file) || file}`);
        const needed = (result.secrets ?? []).map((s) => s.key);
        let commands = result.secretCommands;
        if (needed.length && !opts.answers && hasPulumiCli()) {
            console.log(`\n${needed.length} secret(s) to set; Pulumi asks for each without echoing it:`);
            const outcomes = setSecrets(opts.stack, needed, path.dirname(file));
            const done = outcomes.filter((o) => o.set).map((o) => o.key);
            commands = commands.filter((c) => !done.some((key) => c.includes(`monsterr:${key} `)));
            if (outcomes.some((o) => !o.set)) result.problems.push(`pulumi config set failed for ${outcomes.filter((o) => !o.set).map((o) => o.key).join(", ")}: does the stack exist? (pulumi stack init ${opts.stack}), then run the commands below`);
        }
        console.log(`Secrets never go into that file as text; set them with the Pulumi CLI (it asks for the value):\n${commands.map((c) => `  ${c}`).join("\n")}`);
        console.log(`Then: npm run plan -- --stack ${opts.stack}, pulumi stack select ${opts.stack}, pulumi preview, pulumi up`);
    }
    if (result.problems.length) console.error(`\n${result.problems.length} problem(s):\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
    return result.written !== undefined && result.problems.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        // Ctrl-C in a prompt: leave quietly, nothing was written.
        if (err instanceof Error && err.name === "ExitPromptError") process.exit(130);
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(2);
    },
);
