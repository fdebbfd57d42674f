import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../config/catalog";
import { ConfigError } from "../config/errors";
import { PLAIN_KEYS, SECRET_KEYS, validateConfig } from "../config/validate";
import { readStackConfig } from "../scripts/stackConfig";
import { gib } from "../scripts/planSummary";

/** The README's promises that code can check: its settings table, its commands, its numbers. */
const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

function section(title: string): string {
    const start = README.indexOf(`\n## ${title}\n`);
    if (start < 0) throw new Error(`README has no section ${title}`);
    const end = README.indexOf("\n## ", start + 1);
    return README.slice(start, end < 0 ? undefined : end);
}

/** Sets `a.b[0].c` in a nested object the way `pulumi config set --path` does. */
function setPath(target: Record<string, unknown>, keyPath: string, value: unknown): void {
    const parts = keyPath.split(/\.|(?=\[)/).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
    let o: any = target;
    parts.forEach((part, i) => {
        if (i === parts.length - 1) o[part] = value;
        else o = o[part] ??= typeof parts[i + 1] === "number" ? [] : {};
    });
}

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJlYWwta2V5LW9mLXRoZS1ob3N0LWF0LWhvbWUtMDAw";

/** Applies README `pulumi config set` lines to a stack's settings: raw values, which secrets are set, their values. */
function apply(lines: string[], base: Record<string, unknown>) {
    const raw: Record<string, unknown> = JSON.parse(JSON.stringify(base));
    const presence: Record<string, boolean> = {};
    const values: Record<string, unknown> = {};
    for (const line of lines) {
        const m = /^pulumi config set((?: --(?:path|secret))*) '?monsterr:([^' ]+)'?(?: (.*))?$/.exec(line.replace(/\s+#.*$/, "").trim());
        if (!m) throw new Error(`cannot read README line: ${line}`);
        const [, flags, key, rest = ""] = m;
        // `< file` reads a secret from a file; `"$(ssh-keyscan ...)"` prints the host's key.
        const value = rest.startsWith("<") ? "-----BEGIN OPENSSH PRIVATE KEY-----" : rest.startsWith('"$(') ? HOST_KEY : rest.replace(/^(['"])(.*)\1$/, "$2");
        const top = key.split(/\.|\[/)[0];
        if (flags.includes("--secret")) {
            presence[top] = true;
            if (flags.includes("--path") && key.includes(".")) setPath((values[top] ??= {}) as Record<string, unknown>, key.slice(top.length + 1), value);
            else values[top] = value;
        } else if (flags.includes("--path") && /[.[]/.test(key)) {
            if (typeof raw[top] === "string") raw[top] = JSON.parse(raw[top] as string);
            setPath(raw, key, /^\d+$/.test(value) ? value : value);
        } else {
            raw[key] = value;
        }
    }
    return { raw, presence, values };
}

const prodRaw = () => Object.fromEntries(Object.entries(readStackConfig("prod").values).map(([k, v]) => [k.replace(/^monsterr:/, ""), v.startsWith("{") ? JSON.parse(v) : v]));
const commands = (text: string) =>
    [...text.matchAll(/^ *```sh\n([\s\S]*?)^ *```/gm)].flatMap((b) => b[1].split("\n").map((l) => l.trim()).filter((l) => l.startsWith("pulumi config set")));

describe("README", () => {
    it("its settings table names exactly the settings the validator knows", () => {
        const rows = section("Settings").split("\n").filter((l) => l.startsWith("| `"));
        const keys = rows.flatMap((r) => [...r.split("|")[1].matchAll(/`([A-Za-z0-9.<>]+)`/g)].map((m) => m[1].split(".")[0]));
        expect([...new Set(keys)].sort()).toEqual([...PLAIN_KEYS, ...SECRET_KEYS].sort());
    });

    it.each(["Requirements", "Deploy to your server", "First login", "What is wired for you", "Backups and disaster recovery"])("every `pulumi config set` in %s is a valid setting on the prod stack", (title) => {
        const lines = commands(section(title));
        expect(lines.length).toBeGreaterThan(0);
        const { raw, presence, values } = apply(lines, prodRaw());
        // The prod stack's example host key is replaced like a user would; README's own lines must do the rest.
        try {
            validateConfig(raw, presence, { userPasswords: values.userPasswords, adminPassword: values.adminPassword as string | undefined });
        } catch (e) {
            throw new Error(`README ${title}: ${(e as ConfigError).message}`);
        }
    });

    it("states the memory limits of the default set and of its small-host recipe as the catalog has them", () => {
        const defaults = CATALOG.filter((s) => s.enabledByDefault);
        const total = defaults.reduce((n, s) => n + s.memoryMb, 0);
        const { raw } = apply(commands(section("Requirements")), prodRaw());
        const small = validateConfig(raw);
        const smallTotal = Object.values(small.services).reduce((n, s) => n + (s.enabled ? s.memoryMb : 0), 0);
        const text = section("Requirements");
        expect(text).toContain(`add up to **${gib(total).replace(" ", " ")}**`);
        expect(text).toContain(`removes ${gib(total - smallTotal)} of caps`);
        expect(text).toContain(`${gib(smallTotal)} on a ${gib(small.host.memoryMb!)} host, no warning`);
        expect(smallTotal).toBeLessThanOrEqual(2 * small.host.memoryMb!);
        expect(text).toContain(`default set of ${defaults.length} containers`);
    });
});
