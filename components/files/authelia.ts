import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { toYaml } from "./yaml";
import { AccessRule, accessRules } from "../edge/accessControl";
import { spec } from "../../config/catalog";
import { edgeSubnetOf } from "../networks";
import { PasswordHash, argon2idPhc } from "../passwordHash";
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

/**
 * argon2id PHC string (`$argon2id$v=19$m=..,t=..,p=..$salt$hash`) at Authelia's cost, deterministic for a given salt:
 * what a PasswordHash resource computes. The program itself never calls it (the resource hashes only on a change).
 */
export function hashPassword(password: string, salt: string): Promise<string> {
    const key = crypto.createHash("sha256").update(`${password.length}:${password}${salt}`).digest("hex");
    let h = hashes.get(key);
    if (!h) hashes.set(key, (h = argon2idPhc(password, salt, ARGON2)));
    return h;
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
export const autheliaFiles: FileBuilder = ({ config, secrets, enabled, parent, name }) => {
    const salt = secrets.value("authelia-password-salt");
    const own = config.secrets.userPasswords?.apply((j) => JSON.parse(j) as Record<string, string>) ?? pulumi.output({} as Record<string, string>);
    // One resource per account, named by its role and user (stable): argon2id runs only when a password, its salt or
    // the cost changes, never on a preview or an unchanged up. Passwords' lengths are checked with the rest of the
    // config (validate.ts), before anything runs.
    const hashOf = (account: string, password: pulumi.Input<string>, accountSalt: pulumi.Input<string>) =>
        new PasswordHash(`${name}-password-hash-${account}`, { password, salt: accountSalt, ...ARGON2 }, { parent }).hash;
    const admin = hashOf("admin", config.secrets.adminPassword ?? secrets.value("authelia-admin-password"), salt).apply(
        (passwordHash): UserEntry => ({ name: config.adminUser, displayName: config.adminUser, email: config.adminEmail, groups: ["admins", "users"], passwordHash }),
    );
    const household = config.users.map((u) =>
        hashOf(`user-${u.name}`, u.ownPassword ? own.apply((o) => o[u.name]) : secrets.userPassword(u.name)!, salt.apply((s) => userSalt(s, u.name))).apply(
            (passwordHash): UserEntry => ({ name: u.name, displayName: u.displayName, email: u.email, groups: [...u.groups], passwordHash }),
        ),
    );
    const users = pulumi.all([admin, ...household]).apply((entries) => toYaml(usersDatabase(entries)));
    return [
        { path: "configuration.yml", content: toYaml(autheliaConfiguration({ domain: config.domain, enabled, proberNetwork: enabled.includes("blackbox-exporter") ? edgeSubnetOf(config.networks.proxySubnet, "blackbox-exporter") : undefined })), mode: "0440" },
        { path: "users_database.yml", content: pulumi.secret(users), secret: true },
        { path: "logs/authelia.log", content: "", mode: "0640", seedOnly: true },
    ];
};
