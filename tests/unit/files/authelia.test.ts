import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { accessRules } from "../../../components/edge/accessControl";
import {
    ARGON2,
    AUTHELIA_LOG,
    AUTHELIA_METRICS_PORT,
    AUTHELIA_USERS,
    AUTHZ_ENDPOINT,
    autheliaConfiguration,
    autheliaFiles,
    hashPassword,
    usersDatabase, userSalt,
} from "../../../components/files/authelia";
import { ServiceFile } from "../../../components/service";
import { StackConfig } from "../../../config/types";
import { OfflineOptions, isSecret, mockPasswordHash, reveal } from "../../../scripts/offline";
import { requireBinary } from "../../support/binaries";
import { REGULATION } from "../../policy/security";
import { component, enabled, fakeSecrets, fileContext, resolved, stack } from "../support";

const DOMAIN = "media.example.com";
const PROBER = "172.30.10.136/29";
const PASSWORD_HASH = "pulumi-nodejs:dynamic/monsterr:PasswordHash";

/**
 * Authelia's files as its group builds them: under the mock engine, since the builder registers a PasswordHash per
 * account under the parent it is given; real argon2id hashes unless told otherwise.
 */
async function built(config: StackConfig, options: OfflineOptions = { realPasswordHashes: true }) {
    let files: ServiceFile[] = [];
    const run = await component(() => {
        const parent = new pulumi.ComponentResource("monsterr:test:Group", "group");
        files = autheliaFiles(fileContext(config, undefined, parent));
        return { users: files[1].content };
    }, options);
    const users = yaml.load(reveal(run.outputs.users) as string) as ReturnType<typeof usersDatabase>;
    return { run, files, users, hashes: run.resources.filter((r) => r.type === PASSWORD_HASH) };
}

describe("Authelia's configuration (unit)", () => {
    it("holds the reviewed regulation, sessions-only authz, deny by default and the access rules", () => {
        const all = enabled(stack());
        const c = autheliaConfiguration({ domain: DOMAIN, enabled: all, proberNetwork: PROBER });
        expect(c.regulation).toEqual(REGULATION);
        expect(c.server).toEqual({ address: "tcp://:9091/", endpoints: { authz: { "auth-request": { implementation: "AuthRequest", authn_strategies: [{ name: "CookieSession" }] } } } });
        expect(AUTHZ_ENDPOINT).toBe("auth-request");
        expect(c.access_control).toEqual({ default_policy: "deny", rules: accessRules(DOMAIN, all, PROBER) });
        expect(c.access_control.rules.some((r) => r.networks?.includes(PROBER))).toBe(true);
        expect(autheliaConfiguration({ domain: DOMAIN, enabled: all }).access_control.rules.some((r) => r.networks)).toBe(false);
    });

    it("keeps users in the stack: no reset or change in the portal, argon2id at the hash's cost", () => {
        const c = autheliaConfiguration({ domain: DOMAIN, enabled: ["authelia"] });
        expect(c.authentication_backend).toEqual({
            password_reset: { disable: true },
            password_change: { disable: true },
            file: {
                path: AUTHELIA_USERS,
                watch: false,
                password: { algorithm: "argon2", argon2: { variant: "argon2id", iterations: 3, memory: 65536, parallelism: 4, key_length: 32, salt_length: 16 } },
            },
        });
        expect(ARGON2).toEqual({ iterations: 3, memory: 65536, parallelism: 4, keyLength: 32 });
        expect(AUTHELIA_USERS).toBe("/config/users_database.yml");
    });

    it("sessions on the domain, stored in Redis, returning home to Organizr when it runs", () => {
        const withHome = autheliaConfiguration({ domain: DOMAIN, enabled: ["authelia", "organizr"] }).session;
        expect(withHome).toEqual({
            name: "authelia_session",
            same_site: "lax",
            expiration: "12h",
            inactivity: "45m",
            remember_me: "1M",
            cookies: [{ domain: DOMAIN, authelia_url: `https://auth.${DOMAIN}`, default_redirection_url: `https://home.${DOMAIN}` }],
            redis: { host: "redis", port: 6379, database_index: 0 },
        });
        expect(autheliaConfiguration({ domain: DOMAIN, enabled: ["authelia"] }).session.cookies).toEqual([{ domain: DOMAIN, authelia_url: `https://auth.${DOMAIN}` }]);
    });

    it("logs where Fail2Ban reads, serves metrics, second factors for this domain, no secrets in the file", () => {
        const c = autheliaConfiguration({ domain: DOMAIN, enabled: ["authelia"] });
        expect(c.log).toEqual({ level: "info", format: "text", file_path: AUTHELIA_LOG, keep_stdout: true });
        expect(AUTHELIA_LOG).toBe("/config/logs/authelia.log");
        expect(c.telemetry).toEqual({ metrics: { enabled: true, address: `tcp://:${AUTHELIA_METRICS_PORT}/metrics` } });
        expect(AUTHELIA_METRICS_PORT).toBe(9959);
        expect(c.totp).toEqual({ disable: false, issuer: DOMAIN, algorithm: "SHA1", digits: 6, period: 30, skew: 1, secret_size: 32 });
        expect(c.webauthn).toEqual({
            disable: false,
            enable_passkey_login: false,
            display_name: `Monsterr (${DOMAIN})`,
            attestation_conveyance_preference: "indirect",
            timeout: "60s",
            selection_criteria: { user_verification: "preferred" },
        });
        expect([c.theme, c.default_2fa_method]).toEqual(["auto", "totp"]);
        expect(c.identity_validation).toEqual({ reset_password: { jwt_lifespan: "5m", jwt_algorithm: "HS256" } });
        expect(c.storage).toEqual({ local: { path: "/config/db.sqlite3" } });
        expect(c.notifier).toEqual({ disable_startup_check: false, filesystem: { filename: "/config/notification.txt" } });
        expect(JSON.stringify(c)).not.toMatch(/secret-|password":\s*"/);
    });
});

describe("Authelia's users (unit)", () => {
    it("hashes like the reference argon2 (Debian's argon2 CLI, computed outside this code)", async () => {
        const cli = requireBinary("argon2", "argon2");
        const password = "correct horse battery";
        const salt = "saltsaltsaltsalt";
        const reference = execFileSync(cli, [salt, "-id", "-t", "3", "-k", "65536", "-p", "4", "-l", "32", "-e"], { input: password, encoding: "utf8" }).trim();
        expect(reference).toBe("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$sZAsNK5gGhQ9XCl86YZ48p29sjS3kOLiDzh53ydZrNE");
        expect(await hashPassword(password, salt)).toBe(reference);
        // Same length, another password: the memo must not answer it from the first.
        expect(await hashPassword("correct horse batterz", salt)).not.toBe(reference);
        expect(await hashPassword(password, "saltsaltsaltsalu")).not.toBe(reference);
        // Computed once per process: tests compare many files with the same hash (~1 s of CPU each).
        expect(hashPassword(password, salt)).toBe(hashPassword(password, salt));
    });

    it("every account enabled, with its own name, address, groups and hash", () => {
        expect(
            usersDatabase([
                { name: "admin", displayName: "admin", email: "a@example.com", groups: ["admins", "users"], passwordHash: "$h" },
                { name: "kid", displayName: "The Kid", email: "k@example.com", groups: ["users"], passwordHash: "$k" },
            ]),
        ).toEqual({
            users: {
                admin: { disabled: false, displayname: "admin", password: "$h", email: "a@example.com", groups: ["admins", "users"] },
                kid: { disabled: false, displayname: "The Kid", password: "$k", email: "k@example.com", groups: ["users"] },
            },
        });
    });

    it("each account's salt is its own and stable", () => {
        expect(userSalt("s".repeat(22), "alice")).toBe(userSalt("s".repeat(22), "alice"));
        expect(userSalt("s".repeat(22), "alice")).not.toBe(userSalt("s".repeat(22), "bob"));
        expect(userSalt("s".repeat(22), "alice")).not.toBe(userSalt("t".repeat(22), "alice"));
        expect(userSalt("s".repeat(22), "alice")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    it("files: configuration (no secret), the users database (a secret), the log seeded once", async () => {
        const config = stack();
        const { files, users, run } = await built(config);
        expect(files.map((f) => [f.path, f.mode, f.secret === true, f.seedOnly === true])).toEqual([
            ["configuration.yml", "0440", false, false],
            ["users_database.yml", undefined, true, false],
            ["logs/authelia.log", "0640", false, true],
        ]);
        expect(files[2].content).toBe("");
        const conf = yaml.load(files[0].content as string) as ReturnType<typeof autheliaConfiguration>;
        expect(conf).toEqual(autheliaConfiguration({ domain: config.domain, enabled: enabled(config), proberNetwork: "172.30.10.136/29" }));
        expect(await pulumi.isSecret(pulumi.output(files[1].content))).toBe(true);
        expect(isSecret(run.outputs.users)).toBe(true);
        expect(Object.keys(users.users)).toEqual([config.adminUser]);
        expect(users.users[config.adminUser].email).toBe(config.adminEmail);
        const secrets = fakeSecrets();
        const [pw, salt] = await Promise.all([resolved(secrets.value("authelia-admin-password")), resolved(secrets.value("authelia-password-salt"))]);
        expect(users.users[config.adminUser].password).toBe(await hashPassword(pw, salt));
    });

    it("hashes each account in a PasswordHash of its own, under the group, named by role and user: its password a secret, its hash the file's", async () => {
        const config = stack({ users: { alice: { email: "alice@example.com" }, bob: { email: "bob@example.com" } } });
        const { users, hashes } = await built(config, {});
        expect(hashes.map((r) => [r.name, r.parent])).toEqual([
            ["unit-svc-password-hash-admin", "group"],
            ["unit-svc-password-hash-user-alice", "group"],
            ["unit-svc-password-hash-user-bob", "group"],
        ]);
        const salt = await resolved(fakeSecrets().value("authelia-password-salt"));
        const passwords = [await resolved(fakeSecrets().value("authelia-admin-password")), await resolved(fakeSecrets().userPassword("alice")!), await resolved(fakeSecrets().userPassword("bob")!)];
        const salts = [salt, userSalt(salt, "alice"), userSalt(salt, "bob")];
        hashes.forEach((r, i) => {
            expect(isSecret(r.inputs.password)).toBe(true);
            expect(r.additionalSecretOutputs).toContain("hash");
            expect(reveal(r.inputs)).toMatchObject({ password: passwords[i], salt: salts[i], ...ARGON2 });
        });
        // The mock engine's stand-in hash of each resource, in its user's entry: the file is built from the outputs.
        expect(Object.values(users.users).map((u) => u.password)).toEqual(hashes.map((r, i) => mockPasswordHash(r.name, { salt: salts[i], ...ARGON2 })));
    });

    it("household accounts: their groups only, each hashed with its own salt from its own or a generated password", async () => {
        const base = stack({ users: { alice: { email: "Alice@Example.com", displayName: "Alice", groups: ["users"] }, bob: { email: "bob@example.com", groups: ["users", "admins"] } } });
        const config = { ...base, users: base.users.map((u) => (u.name === "alice" ? { ...u, ownPassword: true } : u)), secrets: { userPasswords: pulumi.secret(JSON.stringify({ alice: "alice's own long password" })) } };
        const { users: db } = await built(config);
        expect(Object.keys(db.users)).toEqual([config.adminUser, "alice", "bob"]);
        expect(db.users.alice).toMatchObject({ displayname: "Alice", email: "alice@example.com", groups: ["users"], disabled: false });
        expect(db.users.bob).toMatchObject({ displayname: "bob", groups: ["users", "admins"] });
        const salt = await resolved(fakeSecrets().value("authelia-password-salt"));
        expect(db.users.alice.password).toBe(await hashPassword("alice's own long password", userSalt(salt, "alice")));
        expect(db.users.bob.password).toBe(await hashPassword(await resolved(fakeSecrets().userPassword("bob")!), userSalt(salt, "bob")));
    });

    it("no prober network when the blackbox exporter is off", async () => {
        const config = stack({ services: { "blackbox-exporter": { enabled: false } } });
        const conf = yaml.load((await built(config, {})).files[0].content as string) as ReturnType<typeof autheliaConfiguration>;
        expect(conf.access_control.rules.some((r) => r.networks)).toBe(false);
    });

    it("a chosen admin password is used instead of the generated one", async () => {
        const config = stack();
        const { users } = await built({ ...config, secrets: { adminPassword: pulumi.secret("twelve-chars") } });
        expect(users.users[config.adminUser].password).toBe(await hashPassword("twelve-chars", await resolved(fakeSecrets().value("authelia-password-salt"))));
    });
});
