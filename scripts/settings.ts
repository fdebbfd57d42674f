/**
 * Renders the declared settings (config/schema/settings.ts) where they are read by people and tools:
 *   npm run settings            rewrites README's settings table and Pulumi.yaml's config block
 *   npm run settings -- --check exits 1 when either is stale (the tests check the same)
 *   npm run settings -- --json-schema   prints a JSON Schema of Pulumi.<stack>.yaml for editors
 */
import * as fs from "fs";
import * as path from "path";
import { stackFileSchema } from "../config/schema/render";
import { renderedProjectFile, renderedReadme } from "./settingsFiles";
import { ROOT } from "./stackConfig";

function main(argv: string[]): number {
    if (argv.includes("--json-schema")) {
        console.log(JSON.stringify(stackFileSchema(), null, 2));
        return 0;
    }
    const check = argv.includes("--check");
    let stale = 0;
    for (const [file, render] of [["README.md", renderedReadme], ["Pulumi.yaml", renderedProjectFile]] as const) {
        const full = path.join(ROOT, file);
        const current = fs.readFileSync(full, "utf8");
        const wanted = render(current);
        if (current === wanted) continue;
        stale++;
        if (check) console.error(`${file} is stale: run npm run settings`);
        else {
            fs.writeFileSync(full, wanted);
            console.log(`rewrote ${file}`);
        }
    }
    return check && stale ? 1 : 0;
}

process.exit(main(process.argv.slice(2)));
