// Loads the program's TypeScript in Node without ts-node: each .ts file is transpiled once (TypeScript's own
// transpileModule, the tsconfig.json options) and kept in node_modules/.cache/monsterr-ts/ under a digest of its
// source, the tsconfig and the compiler's version. Pulumi runs the program through it (main.js), and so do the npm
// scripts (`node -r ./scripts/transpileCache.js scripts/plan.ts`). Type checking stays with `npm test` (tsc).
//
// Why not ts-node: it transpiles every file on every run and installs source-map-support, which maps each of the
// thousands of stack traces Pulumi takes (one per promise); together about 2 s of every preview (`npm run bench`).
// Each cached file carries an inline source map that Node reads only when asked: with
// NODE_OPTIONS=--enable-source-maps a stack trace shows the TypeScript lines, otherwise those of the JavaScript.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const CACHE_DIR = process.env.MONSTERR_TS_CACHE || path.join(ROOT, "node_modules", ".cache", "monsterr-ts");
const KEEP_DAYS = 30; // entries older than this (earlier versions of edited files) go when a new one is written

let compiler; // TypeScript and the parsed options, loaded on the first cache miss only.
function loadCompiler() {
    if (compiler) return compiler;
    const ts = require("typescript");
    const read = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
    if (read.error) throw new Error(`${TSCONFIG}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
    const options = { ...parsed.options, noEmit: false, sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false };
    compiler = { ts, options };
    return compiler;
}

let salt; // What every cached file depends on besides its own source.
function cacheSalt() {
    if (salt === undefined) {
        const tsVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
        salt = `${tsVersion}\0${fs.readFileSync(TSCONFIG, "utf8")}\0`;
    }
    return salt;
}

function transpile(source, filename) {
    const { ts, options } = loadCompiler();
    const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename, reportDiagnostics: true });
    const errors = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        const where = (d) => {
            if (!d.file || d.start === undefined) return filename;
            const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
            return `${filename}:${line + 1}:${character + 1}`;
        };
        const e = new SyntaxError(errors.map((d) => `${where(d)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`).join("\n"));
        e.stack = e.message;
        throw e;
    }
    return out.outputText;
}

/** The JavaScript for one .ts file: from the cache when its source, the tsconfig and TypeScript are unchanged. */
function javascriptFor(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(cacheSalt()).update(path.relative(ROOT, filename)).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // A miss: transpile and keep it. A cache that cannot be written (read-only checkout) only costs speed.
    }
    const js = transpile(source, filename);
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, js);
        fs.renameSync(tmp, cached); // atomic: concurrent runs never read half a file
        prune();
    } catch {
        // see above
    }
    return js;
}

function prune() {
    const before = Date.now() - KEEP_DAYS * 86400e3;
    for (const f of fs.readdirSync(CACHE_DIR)) {
        const p = path.join(CACHE_DIR, f);
        if (fs.statSync(p).mtimeMs < before) fs.rmSync(p, { force: true });
    }
}

function register() {
    if (require.extensions[".ts"]) return; // already registered (this module, ts-node or jest)
    require.extensions[".ts"] = (module, filename) => module._compile(javascriptFor(filename), filename);
}

register();

module.exports = { register, javascriptFor, CACHE_DIR };
