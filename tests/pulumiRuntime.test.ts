import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * How Pulumi loads the program: its nodejs host reads the tsconfig Pulumi.yaml names and runs ts-node with
 * `transpileOnly` when that file's compilerOptions say `noCheck` (@pulumi/pulumi cmd/run/run.js), which saves the
 * whole-program type check (~6 s, `npm run bench`) on every preview and up. `npm test` type-checks instead.
 */
const ROOT = path.join(__dirname, "..");
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions: (p: string) => Record<string, unknown> };

describe("the Pulumi runtime's TypeScript", () => {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options: { typescript: boolean; tsconfig: string } } };

    it("Pulumi reads tsconfig.pulumi.json, whose compilerOptions say noCheck, as the SDK reads them", () => {
        expect(project.runtime.options).toMatchObject({ typescript: true, tsconfig: "tsconfig.pulumi.json" });
        expect(loadTypeScriptCompilerOptions(path.join(ROOT, project.runtime.options.tsconfig))).toEqual({ noCheck: true });
    });

    it("the pinned SDK turns noCheck into ts-node's transpileOnly", () => {
        const run = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/run/run.js"), "utf8");
        expect(run).toMatch(/transpileOnly = compilerOptions\.noCheck;/);
        expect(run).toMatch(/const compilerOptions = tsutils\.loadTypeScriptCompilerOptions\(tsConfigPath\);/);
    });

    it("the tests' own tsc still type-checks everything: tsconfig.json has no noCheck, and Pulumi's extends it", () => {
        expect(loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck).toBeUndefined();
        expect(JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.pulumi.json"), "utf8")).extends).toBe("./tsconfig.json");
    });
});
