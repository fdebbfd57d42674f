import { Bad, show } from "./parse";
import { USER_NAME } from "./schema/formats";
import { read, readList, readMap, readObject } from "./schema/setting";
import { MIN_PASSWORD, SETTINGS, USER } from "./schema/settings";

export { MIN_PASSWORD, USER_NAME };

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


const k = (key: string) => `monsterr:${key}`;

/**
 * `monsterr:users`: name -> {email, displayName?, groups?}; `passwords` are the lengths-only view of the
 * `monsterr:userPasswords` secret (name -> password), whose values are checked here and never kept.
 */
export function validateUsers(value: unknown, adminUser: string, passwords: Record<string, string> | undefined, passwordsSecret: boolean | undefined, bad: Bad): HouseholdUser[] | undefined {
    const users: HouseholdUser[] = [];
    let ok = true;
    if (value !== undefined) {
        const o = readMap(SETTINGS.users, value, "users", bad);
        if (!o) return undefined;
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
            let fine = true;
            const fail: Bad = (key, problem, fix) => {
                fine = false;
                bad(key, problem, fix);
            };
            const u = readObject(USER, raw, key, fail);
            if (!u) {
                ok = false;
                continue;
            }
            const email = read(USER.fields.email, u.email, `${key}.email`, fail);
            const displayName = read(USER.fields.displayName, u.displayName, `${key}.displayName`, fail) ?? (u.displayName === undefined ? name : undefined);
            const groups = u.groups === undefined ? ["users"] : readList(USER.fields.groups, u.groups, `${key}.groups`, fail);
            if (!fine) ok = false;
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
