import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scriptedPath } from "../components/hostFile";
import { SECRETS } from "../config/catalog";
import { freshPlan, isSecret, plan, reveal } from "./support/plan";

/**
 * `pulumi destroy` keeps app state (NPM's, Grafana's, Portainer's databases, seeded configs), so the credentials in
 * it must survive too: each generated secret is adopted from the host when a file is already there.
 */
const adoptedSecrets = (p: Awaited<ReturnType<typeof plan>>) =>
    p.resources.flatMap((r) => {
        const s = r.type.startsWith("command:") ? scriptedPath(String(reveal(r.inputs.create) ?? "")) : undefined;
        return s?.adopted ? [{ resource: r, path: s.path, candidate: String(reveal(r.inputs.stdin)) }] : [];
    });

const run = (script: string, stdin: string) => childProcess.execFileSync("/bin/sh", ["-c", script], { input: stdin, encoding: "utf8" });

describe("destroy, then up again", () => {
    it("every generated secret is adopted from the host and none is ever deleted", async () => {
        const p = await plan("prod");
        const adopted = adoptedSecrets(p);
        // The catalog's generated secrets, and the backup repository's password (prod backs up).
        const generated = [...Object.entries(SECRETS).filter(([, s]) => !s.userSecret).map(([id]) => id), "restic-password"];
        expect(adopted.map((a) => path.basename(a.path)).sort()).toEqual(generated.sort());
        for (const a of adopted) expect({ path: a.path, delete: a.resource.inputs.delete }).toEqual({ path: a.path, delete: undefined });
    });

    it("the host's script keeps the first value, fixes its mode, and prints it", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-adopt-"));
        try {
            const p = await freshPlan("dev", { storage: { configRoot: path.join(root, "config"), dataRoot: path.join(root, "data") } });
            const [first] = adoptedSecrets(p).filter((a) => a.path.endsWith("/grafana-admin-password"));
            const script = String(reveal(first.resource.inputs.create));
            expect(run(script, "first-value")).toBe("first-value");
            fs.chmodSync(first.path, 0o644);
            // What a destroy and a new stack's `up` do: no delete, then the same script with a new candidate.
            expect(run(script, "second-value")).toBe("first-value");
            expect(fs.readFileSync(first.path, "utf8")).toBe("first-value");
            expect((fs.statSync(first.path).mode & 0o777).toString(8)).toBe("440");
            // A state-only secret (the NPM admin) is root's alone.
            const [npm] = adoptedSecrets(p).filter((a) => a.path.endsWith("/npm-admin-password"));
            run(String(reveal(npm.resource.inputs.create)), "npm-value");
            expect((fs.statSync(npm.path).mode & 0o777).toString(8)).toBe("400");
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("a new stack on a host that kept its secrets hands every app the old credentials, never its new candidates", async () => {
        const before = await plan("prod");
        // The old stack's values, as its files on the host hold them; the new stack's random candidates differ.
        const held = Object.fromEntries(adoptedSecrets(before).map((a) => [a.path, `kept${a.candidate.split("").reverse().join("")}`.slice(0, a.candidate.length)]));
        const after = await freshPlan("prod", {}, {}, { secrets: held });
        const adopt = new Set(adoptedSecrets(after).map((a) => a.resource));
        const candidates = adoptedSecrets(after).map((a) => a.candidate);
        for (const r of after.resources) {
            if (adopt.has(r)) continue; // the adopt script itself gets the candidate on stdin, and keeps the old file
            const text = JSON.stringify(reveal(r.inputs));
            for (const c of candidates) expect({ resource: r.name, holdsNewCandidate: text.includes(c) }).toEqual({ resource: r.name, holdsNewCandidate: false });
        }
        const credentials = reveal(after.outputs.adminCredentials) as Record<string, { password?: string }>;
        expect(isSecret(after.outputs.adminCredentials)).toBe(true);
        const kept = new Set(Object.values(held));
        for (const [app, c] of Object.entries(credentials)) {
            if (c.password !== undefined) expect({ app, kept: kept.has(c.password) }).toEqual({ app, kept: true });
        }
        // NPM's admin login is the kept one: the program can still sign in to the proxy's API.
        const npmAdmin = after.resources.find((r) => r.type.endsWith(":NpmAdmin"));
        expect(npmAdmin).toBeDefined();
        expect(Object.values(held).some((v) => JSON.stringify(reveal(npmAdmin!.inputs)).includes(v))).toBe(true);
    });
});
