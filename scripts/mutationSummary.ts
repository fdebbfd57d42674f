import * as fs from "fs";
import * as path from "path";

/**
 * Prints, per phase report (reports/mutation/<phase>.json), the mutation score of each folder and every mutant that
 * survived or was never reached. Score = killed (incl. timeouts) / (killed + survived + no coverage), as Stryker's;
 * runtime and compile errors and the static mutants a phase does not run are counted apart.
 */
interface Mutant {
    status: string;
    mutatorName: string;
    replacement?: string;
    location: { start: { line: number; column: number } };
}

const ROOT = path.resolve(__dirname, "..");
const phases = process.argv.slice(2);

for (const phase of phases.length ? phases : ["edge", "files", "service", "catalog"]) {
    const file = path.join(ROOT, "reports", "mutation", `${phase}.json`);
    if (!fs.existsSync(file)) {
        console.log(`${phase}: no report (${path.relative(ROOT, file)}); run npm run mutate ${phase}`);
        continue;
    }
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as { files: Record<string, { mutants: Mutant[] }> };
    const folders = new Map<string, Record<string, number>>();
    const left: string[] = [];
    for (const [f, { mutants }] of Object.entries(report.files)) {
        const rel = path.relative(ROOT, path.resolve(ROOT, f));
        const folder = path.dirname(rel);
        const counts = folders.get(folder) ?? {};
        for (const m of mutants) {
            counts[m.status] = (counts[m.status] ?? 0) + 1;
            if (m.status === "Survived" || m.status === "NoCoverage") left.push(`  ${m.status.padEnd(10)} ${rel}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? "").slice(0, 90)}`);
        }
        folders.set(folder, counts);
    }
    console.log(`== ${phase}`);
    for (const [folder, c] of folders) {
        // As Stryker scores: mutants that crash the runner or do not compile are not counted either way.
        const killed = (c.Killed ?? 0) + (c.Timeout ?? 0);
        const valid = killed + (c.Survived ?? 0) + (c.NoCoverage ?? 0);
        const score = valid ? ((100 * killed) / valid).toFixed(1) : "n/a";
        console.log(`  ${folder}: ${score}% killed (${killed}/${valid}; survived ${c.Survived ?? 0}, no coverage ${c.NoCoverage ?? 0}; errors ${(c.RuntimeError ?? 0) + (c.CompileError ?? 0)}; static not run ${c.Ignored ?? 0})`);
    }
    if (left.length) console.log(left.join("\n"));
}
