import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * scripts/transpileCache.js, the loader Pulumi (main.js) and the npm scripts run the program through: each .ts file
 * transpiled once and kept under a digest of its source; a hit never loads TypeScript.
 */
const LOADER = path.join(__dirname, "..", "scripts", "transpileCache.js");

describe("the transpile cache", () => {
    let dir: string;
    let cache: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "tscache-"));
        cache = path.join(dir, "cache");
        fs.writeFileSync(path.join(dir, "b.ts"), `export const greeting: string = "hello";\n`);
        fs.writeFileSync(path.join(dir, "a.ts"), `import { greeting } from "./b";\ninterface Out { text: string }\nexport const out: Out = { text: \`\${greeting} world\` };\n`);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Loads a.ts in a fresh Node with the loader preloaded; says what it exported and whether TypeScript was loaded. */
    function load(cacheDir = cache) {
        const probe = `const m = require(${JSON.stringify(path.join(dir, "a.ts"))}); console.log(JSON.stringify({ out: m.out, typescript: Object.keys(require.cache).some((f) => f.includes("/node_modules/typescript/")) }));`;
        const r = spawnSync(process.execPath, ["-r", LOADER, "-e", probe], { encoding: "utf8", env: { ...process.env, MONSTERR_TS_CACHE: cacheDir } });
        return { status: r.status, stderr: r.stderr, ...(r.status === 0 ? (JSON.parse(r.stdout) as { out: { text: string }; typescript: boolean }) : {}) };
    }
    const entries = () => fs.readdirSync(cache).sort();

    it("transpiles each file once; a second run reads the cache and never loads TypeScript", () => {
        expect(load()).toMatchObject({ status: 0, out: { text: "hello world" }, typescript: true });
        const first = entries();
        expect(first).toHaveLength(2);
        expect(first.every((f) => /^[0-9a-f]{64}\.js$/.test(f))).toBe(true);
        expect(load()).toMatchObject({ status: 0, out: { text: "hello world" }, typescript: false });
        expect(entries()).toEqual(first);
    });

    it("an edited file is transpiled again; the others still come from the cache", () => {
        load();
        const before = entries();
        fs.writeFileSync(path.join(dir, "b.ts"), `export const greeting: string = "goodbye";\n`);
        expect(load()).toMatchObject({ status: 0, out: { text: "goodbye world" } });
        const after = entries();
        expect(after).toHaveLength(3);
        expect(after.filter((f) => before.includes(f))).toHaveLength(2);
    });

    it("what the cache holds is TypeScript's transpilation with an inline source map, nothing else", () => {
        load();
        const texts = entries().map((f) => fs.readFileSync(path.join(cache, f), "utf8"));
        const a = texts.find((t) => t.includes("world"))!;
        expect(a).toContain(`require("./b")`);
        expect(a).not.toMatch(/interface|: Out/);
        expect(a).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/);
    });

    it("a syntax error names the file, line and column, and nothing is cached for that file", () => {
        fs.writeFileSync(path.join(dir, "b.ts"), `export const greeting: string = ;\n`);
        const r = load();
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(`${path.join(dir, "b.ts")}:1:33: Expression expected.`);
        const cached = entries().map((f) => fs.readFileSync(path.join(cache, f), "utf8"));
        expect(cached).toHaveLength(1); // a.ts, transpiled before it required b.ts
        expect(cached[0]).toContain("world");
    });

    it("a cache that cannot be written only costs speed", () => {
        const notADir = path.join(dir, "file");
        fs.writeFileSync(notADir, "");
        expect(load(path.join(notADir, "cache"))).toMatchObject({ status: 0, out: { text: "hello world" } });
        expect(load(path.join(notADir, "cache"))).toMatchObject({ status: 0, typescript: true });
    });

    it("entries untouched for 30 days go when a new one is written", () => {
        load();
        const [old, kept] = entries();
        const days = (n: number) => new Date(Date.now() - n * 86400e3);
        fs.utimesSync(path.join(cache, old), days(31), days(31));
        fs.utimesSync(path.join(cache, kept), days(29), days(29));
        fs.writeFileSync(path.join(dir, "a.ts"), `export const out = { text: "new" };\n`);
        expect(load()).toMatchObject({ status: 0, out: { text: "new" } });
        expect(entries()).toContain(kept);
        expect(entries()).not.toContain(old);
        expect(entries()).toHaveLength(2);
    });
});
