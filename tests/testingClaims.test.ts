import * as fs from "fs";
import * as path from "path";

/** Every row of the claims table in docs/testing.md points at a test that exists, by file and title. */
describe("docs/testing.md", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "testing.md"), "utf8");
    const rows = [...doc.matchAll(/^\| (.+?) \| `(tests\/[^`]+)` \| (.+?) \|$/gm)].map((m) => ({ claim: m[1], file: m[2], test: m[3] }));

    it("has a claims table", () => {
        expect(rows.length).toBeGreaterThan(30);
    });

    it.each(rows.map((r) => [r.claim, r] as const))("%s", (_claim, r) => {
        const file = path.join(__dirname, "..", r.file);
        expect({ file: r.file, exists: fs.existsSync(file) }).toEqual({ file: r.file, exists: true });
        // The title as written in an it(...)/describe(...) call of that file.
        const titles = [...fs.readFileSync(file, "utf8").matchAll(/(?:it|describe)(?:\.each\([\s\S]*?\))?\(\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
        expect({ file: r.file, test: r.test, found: titles.some((t) => t.includes(r.test)) }).toEqual({ file: r.file, test: r.test, found: true });
    });
});
