import { scriptedPath } from "../components/hostFile";
import { isSecret, plan, reveal } from "./support/plan";
import { SECRET_ENV } from "./policy/containers";
import { SECRETS_MOUNT } from "../components/service";
import { SECRET_PLACEHOLDER } from "../scripts/stackConfig";

/** A secret as it may travel: as is, base64 (headers, multipart), URL-encoded, JSON-escaped. */
const forms = (s: string) => [s, Buffer.from(s).toString("base64"), encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];

/** Every place a generated secret value appears outside a secret wrapper, in any of its forms: the path to it. */
function plaintextLeaks(value: unknown, secrets: string[], path: string): string[] {
    if (isSecret(value)) return [];
    if (typeof value === "string") return secrets.some((s) => forms(s).some((f) => value.includes(f))) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plaintextLeaks(v, secrets, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => plaintextLeaks(v, secrets, `${path}.${k}`));
    return [];
}

describe.each(["dev", "prod", "split"] as const)("secrets audit of the %s stack", (stack) => {
    it("generates every password and key (no defaults) and keeps each one a secret in every input and output", async () => {
        const p = await plan(stack);
        expect(p.generatedSecrets.length).toBeGreaterThanOrEqual(10);
        // The dev stack's CA and certificate keys are audited too, not only passwords.
        expect(p.generatedSecrets.length - p.byType("random:index/randomPassword:RandomPassword").length).toBe(stack === "dev" ? 2 : 0);
        const leaks = [
            ...p.resources.flatMap((r) => plaintextLeaks(r.inputs, p.generatedSecrets, `${r.type}::${r.name}`)),
            ...plaintextLeaks(p.outputs, p.generatedSecrets, "outputs"),
        ];
        expect(leaks).toEqual([]);
    });

    it("never puts a secret in a container's environment (they are files under /run/secrets), but for the reviewed exceptions, kept secret", async () => {
        const p = await plan(stack);
        for (const r of p.byType("docker:index/container:Container")) {
            const name = (reveal(r.inputs) as { name: string }).name;
            expect({ container: name, envsSecret: isSecret(r.inputs.envs) }).toEqual({ container: name, envsSecret: name in SECRET_ENV });
        }
        for (const c of p.containers()) {
            for (const e of (c.envs ?? []).filter((e: string) => !(SECRET_ENV[c.name] ?? []).includes(e.split("=")[0]))) {
                for (const s of p.generatedSecrets) expect({ container: c.name, env: e }).not.toEqual({ container: c.name, env: expect.stringContaining(s) });
            }
            for (const e of (c.envs ?? []).filter((e: string) => /(_FILE|__FILE|^FILE__[A-Z_]+)=/.test(e))) {
                expect(e.split("=")[1]).toMatch(new RegExp(`^${SECRETS_MOUNT}/`));
            }
        }
    });

    it("writes secret-bearing host files only as secrets, 0440 when a container reads them and root's alone (0400) otherwise, mounted read-only", async () => {
        const p = await plan(stack);
        const writes = p.resources.filter((r) => r.type.startsWith("command:") && String(reveal(r.inputs.create)).includes("/secrets/"));
        expect(writes.length).toBeGreaterThan(0);
        const mounted = new Set(p.containers().flatMap((c) => (c.volumes ?? []).filter((v: { containerPath: string }) => v.containerPath.startsWith(SECRETS_MOUNT)).map((v: { hostPath: string }) => v.hostPath)));
        for (const w of writes) {
            expect(isSecret(w.inputs.stdin)).toBe(true);
            const create = String(reveal(w.inputs.create));
            const file = scriptedPath(create)!.path;
            expect({ file, mode: create.match(/chmod (0\d{3}) /)![1] }).toEqual({ file, mode: mounted.has(file) ? "0440" : "0400" });
            if (!mounted.has(file)) expect(create).toContain("chown 0:0 ");
        }
        for (const c of p.containers()) {
            for (const v of (c.volumes ?? []).filter((v: { containerPath: string }) => v.containerPath.startsWith(SECRETS_MOUNT))) expect(v.readOnly).toBe(true);
        }
    });

    it("marks the admin credentials output secret", async () => {
        const p = await plan(stack);
        expect(isSecret(p.outputs.adminCredentials)).toBe(true);
        expect(isSecret(p.outputs.urls)).toBe(false);
    });
});

describe("user-provided secrets", () => {
    it("delivers plexClaim to Plex as a file (FILE__PLEX_CLAIM) and keeps it secret everywhere", async () => {
        const p = await plan("prod", {}, { plexClaim: SECRET_PLACEHOLDER });
        const plex = p.container("plex")!;
        expect(plex.envs).toContain(`FILE__PLEX_CLAIM=${SECRETS_MOUNT}/plex-claim`);
        expect(plex.volumes).toContainEqual({ hostPath: "/opt/monsterr/secrets/plex-claim", containerPath: `${SECRETS_MOUNT}/plex-claim`, readOnly: true });
        const leaks = p.resources.flatMap((r) => plaintextLeaks(r.inputs, [SECRET_PLACEHOLDER], `${r.type}::${r.name}`));
        expect(leaks).toEqual([]);
    });

    it("mounts nothing for an unset optional secret", async () => {
        const p = await plan("prod");
        expect(p.container("plex")!.envs.join(" ")).not.toContain("PLEX_CLAIM");
    });
});
