import { Bad, obj, show, str, unknownFields } from "./parse";

/** Authelia groups a person can be in: `users` reach the household apps, `admins` everything. */
export const USER_GROUPS = ["users", "admins"] as const;
export type UserGroup = (typeof USER_GROUPS)[number];

/** A household account in Authelia's users database (`monsterr:users.<name>`). */
export interface HouseholdUser {
    name: string;
    email: string;
    displayName: string;
    groups: UserGroup[];
    /** True when `monsterr:userPasswords.<name>` sets the password; otherwise one is generated. */
    ownPassword: boolean;
}

/** The same rule as the admin's: Authelia user names end up in URLs, logs and file names. */
export const USER_NAME = /^[a-z][a-z0-9_-]{1,31}$/;
export const MIN_PASSWORD = 12;
const EMAIL = /^[^@\s"'\\]+@[a-z0-9.-]+\.[a-z]{2,}$/i;

const k = (key: string) => `monsterr:${key}`;

/**
 * `monsterr:users`: name -> {email, displayName?, groups?}; `passwords` are the lengths-only view of the
 * `monsterr:userPasswords` secret (name -> password), whose values are checked here and never kept.
 */
export function validateUsers(value: unknown, adminUser: string, passwords: Record<string, string> | undefined, passwordsSecret: boolean | undefined, bad: Bad): HouseholdUser[] | undefined {
    const users: HouseholdUser[] = [];
    let ok = true;
    if (value !== undefined) {
        const o = obj(value);
        if (!o) {
            bad("users", "must be an object of user name -> {email, displayName, groups}", `pulumi config set --path '${k("users.alice.email")}' alice@example.com`);
            return undefined;
        }
        for (const [name, raw] of Object.entries(o)) {
            const key = `users.${name}`;
            if (!USER_NAME.test(name)) {
                bad(key, `'${show(name)}' is not a valid user name`, "use 2-32 characters: a lower-case letter, then letters, digits, '-' or '_'");
                ok = false;
                continue;
            }
            if (name === adminUser) {
                bad(key, `is the admin's own name (monsterr:adminUser)`, "give the household account another name; the admin is always in both groups");
                ok = false;
                continue;
            }
            const u = obj(raw);
            if (!u) {
                bad(key, "must be an object {email, displayName, groups}", `pulumi config set --path '${k(`${key}.email`)}' ${name}@example.com`);
                ok = false;
                continue;
            }
            unknownFields(u, ["email", "displayName", "groups"], key, bad);
            const email = str(u.email);
            if (!email || !EMAIL.test(email) || email.length > 254) {
                bad(`${key}.email`, email ? `'${show(email)}' is not an e-mail address` : "is required (Authelia sends its one-time codes there)", `pulumi config set --path '${k(`${key}.email`)}' ${name}@example.com`);
                ok = false;
            }
            const displayName = u.displayName === undefined ? name : str(u.displayName);
            if (displayName === undefined || displayName.trim() === "" || displayName.length > 100 || /[\u0000-\u001f\u007f]/.test(displayName)) {
                bad(`${key}.displayName`, `'${show(u.displayName)}' is not a display name`, "use up to 100 printable characters, e.g. Alice");
                ok = false;
            }
            const groupsRaw = u.groups === undefined ? ["users"] : u.groups;
            const groups = Array.isArray(groupsRaw) && groupsRaw.length > 0 && groupsRaw.every((g) => (USER_GROUPS as readonly unknown[]).includes(g)) ? [...new Set(groupsRaw as UserGroup[])] : undefined;
            if (!groups) {
                bad(`${key}.groups`, `'${show(u.groups)}' is not a list of groups`, `use [users] (household apps) or [users, admins] (everything, with two factors)`);
                ok = false;
            }
            if (email && displayName !== undefined && groups) users.push({ name, email: email.toLowerCase(), displayName, groups: USER_GROUPS.filter((g) => groups.includes(g)), ownPassword: passwords?.[name] !== undefined });
        }
        const emails = new Map<string, string>();
        for (const u of users) {
            const other = emails.get(u.email);
            if (other) {
                bad(`users.${u.name}.email`, `is also ${other}'s`, "give every account its own address: Authelia identifies people by it for resets and codes");
                ok = false;
            }
            emails.set(u.email, u.name);
        }
    }
    if (passwordsSecret === false) bad("userPasswords", "is stored in plain text", `set each again with: pulumi config set --secret --path '${k("userPasswords.<name>")}' ...`);
    for (const [name, password] of Object.entries(passwords ?? {})) {
        // The value itself is never named in a message.
        if (!users.some((u) => u.name === name)) bad(`userPasswords.${name}`, "names no user in monsterr:users", `add monsterr:users.${name}, or remove it: pulumi config rm --path '${k(`userPasswords.${name}`)}'`);
        else if (typeof password !== "string" || password.length < MIN_PASSWORD) {
            bad(`userPasswords.${name}`, `has ${typeof password === "string" ? password.length : 0} characters, fewer than ${MIN_PASSWORD}`, `choose a longer one, or remove it for a generated one (pulumi stack output userCredentials --show-secrets)`);
        }
    }
    return ok ? users : undefined;
}
