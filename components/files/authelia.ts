import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { toYaml } from "./yaml";
import { argon2id } from "hash-wasm";
import { AccessRule, accessRules } from "../edge/accessControl";
import { spec } from "../../config/catalog";
import { edgeSubnetOf } from "../networks";
import { FileBuilder } from "./types";

/** The subset of Authelia 4.39's `configuration.yml` Monsterr writes; secrets come from `AUTHELIA_*_FILE`. */
export interface AutheliaConfiguration {
    theme: "light" | "dark" | "grey" | "auto";
    default_2fa_method: "totp" | "webauthn";
    server: { address: string; endpoints: { authz: Record<string, { implementation: "AuthRequest"; authn_strategies: { name: "CookieSession" }[] }> } };
    log: { level: "info" | "debug"; format: "text" | "json"; file_path: string; keep_stdout: boolean };
    telemetry: { metrics: { enabled: boolean; address: string } };
    totp: { disable: boolean; issuer: string; algorithm: "SHA1"; digits: 6; period: number; skew: number; secret_size: number };
    webauthn: {
        disable: boolean;
        enable_passkey_login: boolean;
        display_name: string;
        attestation_conveyance_preference: "none" | "indirect" | "direct";
        timeout: string;
        selection_criteria: { user_verification: "preferred" | "required" | "discouraged" };
    };
    identity_validation: { reset_password: { jwt_lifespan: string; jwt_algorithm: "HS256" } };
    authentication_backend: {
        password_reset: { disable: boolean };
        password_change: { disable: boolean };
        file: {
            path: string;
            watch: boolean;
            password: { algorithm: "argon2"; argon2: { variant: "argon2id"; iterations: number; memory: number; parallelism: number; key_length: number; salt_length: number } };
        };
    };
    access_control: { default_policy: "deny"; rules: AccessRule[] };
    session: {
        name: string;
        same_site: "lax" | "strict";
        expiration: string;
        inactivity: string;
        remember_me: string;
        cookies: { domain: string; authelia_url: string; default_redirection_url?: string }[];
        redis: { host: string; port: number; database_index: number };
    };
    regulation: { modes: ("user" | "ip")[]; max_retries: number; find_time: string; ban_time: string };
    storage: { local: { path: string } };
    notifier: { disable_startup_check: boolean; filesystem: { filename: string } };
}

export interface AutheliaUser {
    disabled: boolean;
    displayname: string;
    password: string;
    email: string;
    groups: string[];
}

export interface AutheliaUsersDatabase {
    users: Record<string, AutheliaUser>;
}

/** Container paths; the log lives in the config folder so Fail2Ban can mount `<configRoot>/authelia/logs`. */
export const AUTHELIA_LOG = "/config/logs/authelia.log";
export const AUTHELIA_USERS = "/config/users_database.yml";
export const AUTHELIA_METRICS_PORT = 9959;
/** The name of the AuthRequest endpoint the nginx snippet calls (`/api/authz/auth-request`). */
export const AUTHZ_ENDPOINT = "auth-request";

/** Argon2id cost, Authelia's recommended profile; the hash of the admin password uses the same values. */
export const ARGON2 = { iterations: 3, memory: 65536, parallelism: 4, keyLength: 32 } as const;

export interface AutheliaSettings {
    domain: string;
    enabled: Parameters<typeof accessRules>[1];
    /** The prober's network (the blackbox exporter's edge subnet), when it runs. */
    proberNetwork?: string;
}

export function autheliaConfiguration(s: AutheliaSettings): AutheliaConfiguration {
    const portal = `https://${spec("authelia").route!.subdomain}.${s.domain}`;
    const home = spec("organizr").route!.subdomain;
    return {
        theme: "auto",
        default_2fa_method: "totp",
        // Sessions only: Authelia's default for AuthRequest also accepts `Authorization: Basic` (password, no second
        // factor, no portal), and the apps behind it use that header for their own tokens (Audiobookshelf's Bearer).
        server: { address: "tcp://:9091/", endpoints: { authz: { [AUTHZ_ENDPOINT]: { implementation: "AuthRequest", authn_strategies: [{ name: "CookieSession" }] } } } },
        log: { level: "info", format: "text", file_path: AUTHELIA_LOG, keep_stdout: true },
        telemetry: { metrics: { enabled: true, address: `tcp://:${AUTHELIA_METRICS_PORT}/metrics` } },
        totp: { disable: false, issuer: s.domain, algorithm: "SHA1", digits: 6, period: 30, skew: 1, secret_size: 32 },
        webauthn: {
            disable: false,
            enable_passkey_login: false,
            display_name: `Monsterr (${s.domain})`,
            attestation_conveyance_preference: "indirect",
            timeout: "60s",
            selection_criteria: { user_verification: "preferred" },
        },
        identity_validation: { reset_password: { jwt_lifespan: "5m", jwt_algorithm: "HS256" } },
        // Users come from the stack: a password changed in the portal would be overwritten by the next `pulumi up`.
        authentication_backend: {
            password_reset: { disable: true },
            password_change: { disable: true },
            file: {
                path: AUTHELIA_USERS,
                watch: false,
                password: {
                    algorithm: "argon2",
                    argon2: { variant: "argon2id", iterations: ARGON2.iterations, memory: ARGON2.memory, parallelism: ARGON2.parallelism, key_length: ARGON2.keyLength, salt_length: 16 },
                },
            },
        },
        access_control: { default_policy: "deny", rules: accessRules(s.domain, s.enabled, s.proberNetwork) },
        session: {
            name: "authelia_session",
            same_site: "lax",
            expiration: "12h",
            inactivity: "45m",
            remember_me: "1M",
            cookies: [
                {
                    domain: s.domain,
                    authelia_url: portal,
                    ...(s.enabled.includes("organizr") ? { default_redirection_url: `https://${home}.${s.domain}` } : {}),
                },
            ],
            redis: { host: "redis", port: spec("redis").port, database_index: 0 },
        },
        regulation: { modes: ["user", "ip"], max_retries: 5, find_time: "10m", ban_time: "30m" },
        storage: { local: { path: "/config/db.sqlite3" } },
        notifier: { disable_startup_check: false, filesystem: { filename: "/config/notification.txt" } },
    };
}

/** Hashes already computed in this process, by a digest of password and salt (argon2id costs ~1 s of CPU each). */
const hashes = new Map<string, Promise<string>>();

/** argon2id PHC string (`$argon2id$v=19$m=..,t=..,p=..$salt$hash`), deterministic for a given salt. */
export function hashPassword(password: string, salt: string): Promise<string> {
    const key = crypto.createHash("sha256").update(`${password.length}:${password}${salt}`).digest("hex");
    let h = hashes.get(key);
    if (!h) hashes.set(key, (h = argon2(password, salt)));
    return h;
}

function argon2(password: string, salt: string): Promise<string> {
    return argon2id({
        password,
        salt: Buffer.from(salt),
        iterations: ARGON2.iterations,
        memorySize: ARGON2.memory,
        parallelism: ARGON2.parallelism,
        hashLength: ARGON2.keyLength,
        outputType: "encoded",
    });
}

/** One account of the users database, its password already hashed. */
export interface UserEntry {
    name: string;
    displayName: string;
    email: string;
    groups: string[];
    passwordHash: string;
}

/** The admin (both groups) first, then the household accounts in the order the stack lists them. */
export function usersDatabase(entries: UserEntry[]): AutheliaUsersDatabase {
    return { users: Object.fromEntries(entries.map((u) => [u.name, { disabled: false, displayname: u.displayName, password: u.passwordHash, email: u.email, groups: u.groups }])) };
}

/** Each account's own salt, derived from the stack's one: stable, so the file changes only with a password. */
export function userSalt(stackSalt: string, user: string): string {
    return crypto.createHash("sha256").update(`${stackSalt}\0${user}`).digest("base64url").slice(0, 22);
}

/**
 * configuration.yml (no secrets in it), users_database.yml (a secret: it holds the hashes), and an empty log file
 * seeded once so its folder exists, owned by the stack user, before Authelia or Fail2Ban start.
 */
export const autheliaFiles: FileBuilder = ({ config, secrets, enabled }) => {
    const adminPassword = config.secrets.adminPassword ?? secrets.value("authelia-admin-password");
    const own = config.secrets.userPasswords?.apply((j) => JSON.parse(j) as Record<string, string>) ?? pulumi.output({} as Record<string, string>);
    const household = config.users.map((u) => (u.ownPassword ? own.apply((o) => o[u.name]) : secrets.userPassword(u.name)!).apply((pw) => ({ user: u, pw })));
    // Passwords' lengths are checked with the rest of the config (validate.ts), before anything runs.
    const users = pulumi.all([adminPassword, secrets.value("authelia-password-salt"), pulumi.all(household)]).apply(async ([pw, salt, members]) =>
        toYaml(
            usersDatabase([
                { name: config.adminUser, displayName: config.adminUser, email: config.adminEmail, groups: ["admins", "users"], passwordHash: await hashPassword(pw, salt) },
                ...(await Promise.all(
                    members.map(async ({ user, pw: password }) => ({ name: user.name, displayName: user.displayName, email: user.email, groups: [...user.groups], passwordHash: await hashPassword(password, userSalt(salt, user.name)) })),
                )),
            ]),
        ),
    );
    return [
        { path: "configuration.yml", content: toYaml(autheliaConfiguration({ domain: config.domain, enabled, proberNetwork: enabled.includes("blackbox-exporter") ? edgeSubnetOf(config.networks.proxySubnet, "blackbox-exporter") : undefined })), mode: "0440" },
        { path: "users_database.yml", content: pulumi.secret(users), secret: true },
        { path: "logs/authelia.log", content: "", mode: "0640", seedOnly: true },
    ];
};
