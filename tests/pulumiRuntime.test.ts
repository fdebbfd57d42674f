import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * How Pulumi loads the program: Pulumi.yaml turns the nodejs host's own TypeScript support off and names main.js,
 * which loads index.ts through scripts/transpileCache.js. The pinned SDK's run.js registers ts-node only when the
 * host says typescript, and then requires `main` and calls what it exports.
 */
const ROOT = path.join(__dirname, "..");

describe("the Pulumi runtime's entry point", () => {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: Record<string, unknown> } };

    it("Pulumi.yaml names main.js and turns the runtime's ts-node off", () => {
        expect(project.main).toBe("main.js");
        expect(project.runtime.options.typescript).toBe(false);
        expect(project.runtime.options.tsconfig).toBeUndefined();
    });

    it("the pinned SDK registers ts-node only when told typescript, then requires main and calls its export", () => {
        const run = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/run/run.js"), "utf8");
        expect(run).toMatch(/const typeScript = process\.env\["PULUMI_NODEJS_TYPESCRIPT"\] === "true";/);
        expect(run).toMatch(/if \(typeScript\) \{\n\s+const compilerOptions/);
        expect(run).toMatch(/programExport = require\(program\);/);
        expect(run).toMatch(/programExport instanceof Function \? programExport\(\) : programExport/);
    });

    it("main.js, required by plain Node as run.js does, exports the program of index.ts without loading ts-node", () => {
        const probe = `
            const program = require(${JSON.stringify(path.join(ROOT, "main.js"))});
            const fromLoader = require(${JSON.stringify(path.join(ROOT, "index.ts"))});
            const tsNode = Object.keys(require.cache).some((f) => f.includes("/node_modules/ts-node/"));
            console.log(JSON.stringify({ kind: typeof program, same: program === fromLoader, tsNode, name: program.name }));`;
        const r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8" });
        expect(r.stderr).toBe("");
        expect(JSON.parse(r.stdout)).toEqual({ kind: "function", same: true, tsNode: false, name: "program" });
    });
});
