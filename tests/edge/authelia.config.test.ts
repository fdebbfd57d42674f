import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ROUTES } from "../policy/routes";

/** The blackbox exporter's edge network on the default proxy subnet (slot 17 of the /29s in 172.30.10.0/24). */
const PROBER = "172.30.10.136/29";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { argon2Verify } from "hash-wasm";
import { Plan, isSecret, plan, reveal } from "../support/plan";
import { ARGON2, hashPassword, userSalt } from "../../components/files/authelia";
import { mockPasswordHash } from "../../scripts/offline";
import { upstreamSchemas } from "../support/upstreamSchemas";

const SCHEMAS = upstreamSchemas("authelia-v4.39");

function validator(file: string) {
    const full = path.join(SCHEMAS, file);
    const ajv = new Ajv2020({ unicodeRegExp: false, strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(full, "utf8")));
    return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const ROOT = "/opt/monsterr/authelia";

describe("Authelia configuration.yml and users_database.yml (prod plan)", () => {
    let p: Plan;
    let config: any;
    let users: any;
    beforeAll(async () => {
        // Real argon2id hashes (the provider's create): the admin's is verified against the generated password.
        p = await plan("prod", {}, {}, { realPasswordHashes: true });
        config = yaml.load(p.files.get(`${ROOT}/configuration.yml`)!);
        users = yaml.load(p.files.get(`${ROOT}/users_database.yml`)!);
    });

    it("validates against Authelia 4.39's published schemas", () => {
        expect(validator("configuration.json")(config)).toEqual([]);
        expect(validator("user-database.json")(users)).toEqual([]);
    });

    it("holds no secret: every one reaches Authelia as an AUTHELIA_*_FILE under /run/secrets", () => {
        const text = p.files.get(`${ROOT}/configuration.yml`)!;
        for (const s of p.generatedSecrets) expect(text).not.toContain(s);
        expect(config.session.secret).toBeUndefined();
        expect(config.storage.encryption_key).toBeUndefined();
        expect(config.session.redis.password).toBeUndefined();
        const env: string[] = p.container("authelia")!.envs;
        for (const v of ["IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET", "SESSION_SECRET", "STORAGE_ENCRYPTION_KEY", "SESSION_REDIS_PASSWORD"]) {
            expect(env).toContainEqual(expect.stringMatching(new RegExp(`^AUTHELIA_${v}_FILE=/run/secrets/`)));
        }
    });

    it("keeps sessions in Redis, enables TOTP, WebAuthn and regulation, logs to the file Fail2Ban reads, exposes metrics", () => {
        expect(config.session.redis).toMatchObject({ host: "redis", port: 6379 });
        expect(config.session.cookies).toEqual([expect.objectContaining({ domain: "media.example.com", authelia_url: "https://auth.media.example.com" })]);
        expect(config.totp.disable).toBe(false);
        expect(config.webauthn.disable).toBe(false);
        expect(config.regulation.max_retries).toBeGreaterThan(0);
        expect(config.log.file_path).toBe("/config/logs/authelia.log");
        expect(p.files.has(`${ROOT}/logs/authelia.log`)).toBe(true);
        expect(config.telemetry.metrics).toEqual({ enabled: true, address: "tcp://:9959/metrics" });
    });

    it("matches the reviewed route policy (tests/policy/routes.ts): default deny, each route's factor, groups and bypass paths", () => {
        const rules: { domain: string[]; policy: string; subject?: string[]; networks?: string[]; resources?: string[] }[] = config.access_control.rules;
        expect(config.access_control.default_policy).toBe("deny");
        const routed = [...new Set(rules.flatMap((r) => r.domain))].map((d) => d.replace(".media.example.com", "")).sort();
        expect(routed).toEqual(Object.keys(ROUTES).sort());
        for (const [sub, policy] of Object.entries(ROUTES)) {
            const fqdn = `${sub}.media.example.com`;
            const mine = rules.filter((r) => r.domain.includes(fqdn));
            expect(mine.every((r) => r.domain.length === 1)).toBe(true);
            const unconditional = mine.filter((r) => !r.resources);
            expect({ sub, rules: unconditional.map(({ policy, subject }) => ({ policy, subject })) }).toEqual({
                sub,
                rules: [policy.auth === "bypass" ? { policy: "bypass", subject: undefined } : { policy: policy.auth, subject: policy.groups.map((g) => `group:${g}`) }],
            });
            // The prober's health path: its exact path, only from the blackbox exporter's edge network.
            const probes = mine.filter((r) => r.networks);
            expect({ sub, probes: probes.map((r) => ({ policy: r.policy, networks: r.networks, resources: r.resources!.length })) }).toEqual({
                sub,
                probes: policy.auth === "bypass" ? [] : [{ policy: "bypass", networks: [PROBER], resources: 1 }],
            });
            // First match wins: path bypasses must come before the route's own rule.
            const bypass = mine.filter((r) => r.resources && !r.networks);
            expect(bypass.every((r) => r.policy === "bypass" && rules.indexOf(r) < rules.indexOf(unconditional[0]))).toBe(true);
            const resources = bypass.flatMap((r) => r.resources!);
            // What Authelia lets through without a session, judged on the cleaned path plus query as it does.
            const open = (path: string) => resources.some((re) => new RegExp(re).test(path));
            for (const b of policy.bypass) {
                const samples = "exact" in b ? [b.exact, `${b.exact}?x=1`] : [`${b.prefix}v1/x`, `${b.prefix}a/b?c=d`, b.prefix];
                for (const path of samples) expect({ sub, path, open: open(path) }).toEqual({ sub, path, open: true });
                const near = "exact" in b ? [`${b.exact}x`, `${b.exact}-as-admin`, `${b.exact}/x`, `/x${b.exact}`] : [`${b.prefix.slice(0, -1)}x`, `${b.prefix.slice(0, -1)}`, `/x${b.prefix}`];
                for (const path of near.filter((n) => !policy.bypass.some((o) => ("exact" in o ? o.exact === n.split("?")[0] : n.startsWith(o.prefix))))) {
                    expect({ sub, path, open: open(path) }).toEqual({ sub, path, open: false });
                }
            }
            for (const path of ["/", "/initialize.json", "/admin", "/x/api/y"]) expect({ sub, path, open: open(path) }).toEqual({ sub, path, open: false });
        }
    });

    it("stores the admin as an argon2id hash of the generated password, in admins and users", async () => {
        const admin = users.users.admin;
        expect(admin).toMatchObject({ email: "admin@example.com", groups: ["admins", "users"], disabled: false });
        expect(admin.password).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
        const generated = p.generatedSecrets.find((s) => s === p.generatedSecrets[p.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").findIndex((r) => r.name.endsWith("authelia-admin-password"))]);
        expect(await argon2Verify({ password: generated!, hash: admin.password })).toBe(true);
    });

    it("uses the password the user set as a secret instead, and stays byte-identical across runs", async () => {
        const own = await plan("prod", {}, { adminPassword: "a-long-user-chosen-passphrase" }, { realPasswordHashes: true });
        const hash = (yaml.load(own.files.get(`${ROOT}/users_database.yml`)!) as any).users.admin.password;
        expect(await argon2Verify({ password: "a-long-user-chosen-passphrase", hash })).toBe(true);
        const again = await plan("prod", {}, { adminPassword: "a-long-user-chosen-passphrase" }, { realPasswordHashes: true });
        expect(again.files.get(`${ROOT}/users_database.yml`)).toBe(own.files.get(`${ROOT}/users_database.yml`));
    });
});

describe("Authelia's password hashes (prod plan)", () => {
    const HASH = "pulumi-nodejs:dynamic/monsterr:PasswordHash";
    const USERS = { alice: { email: "alice@example.com", displayName: "Alice" }, bob: { email: "bob@example.com", groups: ["users"] } };

    it("one PasswordHash per account of the stack, under Authelia's group, the password a secret input and the hash a secret output", async () => {
        const prod = await plan("prod", {}, {}, { realPasswordHashes: true });
        expect(prod.byType(HASH).map((r) => [r.name, r.parent])).toEqual([["monsterr-core-authelia-password-hash-admin", "monsterr-core"]]);
        const p = await plan("prod", { users: USERS });
        // Registered in whatever order their inputs resolve.
        const hashes = p.byType(HASH).sort((a, b) => a.name.localeCompare(b.name));
        expect(hashes.map((r) => [r.name, r.parent])).toEqual([
            ["monsterr-core-authelia-password-hash-admin", "monsterr-core"],
            ["monsterr-core-authelia-password-hash-user-alice", "monsterr-core"],
            ["monsterr-core-authelia-password-hash-user-bob", "monsterr-core"],
        ]);
        const passwords = p.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r, i) => [r.name, p.generatedSecrets[i]]);
        const generated = (suffix: string) => passwords.find(([name]) => name.endsWith(suffix))![1];
        const salt = generated("authelia-password-salt");
        for (const [r, password, s] of [
            [hashes[0], generated("authelia-admin-password"), salt],
            [hashes[1], generated("authelia-user-alice"), userSalt(salt, "alice")],
            [hashes[2], generated("authelia-user-bob"), userSalt(salt, "bob")],
        ] as const) {
            expect(isSecret(r.inputs.password)).toBe(true);
            expect(r.additionalSecretOutputs).toEqual(expect.arrayContaining(["hash", "password"]));
            expect({ name: r.name, inputs: reveal(r.inputs) }).toMatchObject({ name: r.name, inputs: { password, salt: s, ...ARGON2 } });
        }
    });

    it("builds users_database.yml from the resources' outputs: the plan's stand-ins unless real hashes are asked for", async () => {
        const p = await plan("prod", { users: USERS });
        const db = yaml.load(p.files.get(`${ROOT}/users_database.yml`)!) as { users: Record<string, { password: string }> };
        const account = (name: string) => name.replace(/^monsterr-core-authelia-password-hash-(user-)?/, "");
        const stand = Object.fromEntries(p.byType(HASH).map((r) => [account(r.name), mockPasswordHash(r.name, reveal(r.inputs) as { salt: string } & typeof ARGON2)]));
        expect(Object.fromEntries(Object.entries(db.users).map(([user, u]) => [user, u.password]))).toEqual(stand);
        expect(new Set(Object.values(stand)).size).toBe(3);
        for (const h of Object.values(stand)) expect(h).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]+\$MockHashNotReal[0-9a-f]+[A-Za-z0-9]$/);
        // With real hashes, each user's entry verifies with that user's password (computed the way hashPassword does).
        const real = await plan("prod", { users: USERS }, {}, { realPasswordHashes: true });
        const realDb = yaml.load(real.files.get(`${ROOT}/users_database.yml`)!) as { users: Record<string, { password: string }> };
        const inputs = Object.fromEntries(real.byType(HASH).map((r) => [account(r.name), reveal(r.inputs) as { password: string; salt: string }]));
        for (const [user, u] of Object.entries(realDb.users)) expect({ user, hash: u.password }).toEqual({ user, hash: await hashPassword(inputs[user].password, inputs[user].salt) });
        expect(await argon2Verify({ password: inputs.alice.password, hash: realDb.users.alice.password })).toBe(true);
    });
});
