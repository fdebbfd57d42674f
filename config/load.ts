import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { PLAIN_KEYS, RawConfig, SECRET_KEYS, SecretValuesToCheck, ValidConfig, validateConfig } from "./validate";
import { SecretPresence, StackConfig, StackSecrets } from "./types";

const NS = "monsterr";

/**
 * The only code that reads `pulumi.Config`: collects every `monsterr:*` value of the stack, validates it and
 * returns typed settings. Throws ConfigError before the program creates anything.
 */
export function loadConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const valid = validateEngineConfig(all, isSecretKey);
    // Validation refused any secret set in plain text: every secret key still set was set with --secret.
    const set = new Set(Object.keys(all).map(splitKey).filter(([ns]) => ns === NS).map(([, key]) => key));
    const cfg = new pulumi.Config(NS);
    const secrets: StackSecrets = {};
    for (const key of SECRET_KEYS) {
        const value = set.has(key) ? cfg.getSecret(key) : undefined;
        if (value !== undefined) secrets[key] = value;
    }
    return { ...valid, stack: pulumi.getStack(), secrets };
}

/**
 * Validates a stack's `ns:key` -> text values as the engine hands them over (the program, and tools that read the
 * stack file themselves: the doctor). Throws ConfigError naming each bad key.
 */
export function validateEngineConfig(all: Record<string, string>, isSecret: (fullKey: string) => boolean): ValidConfig {
    const raw: RawConfig = {};
    const presence: SecretPresence = {};
    const toCheck: SecretValuesToCheck = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, key] = splitKey(fullKey);
        if (ns !== NS) continue;
        if ((SECRET_KEYS as readonly string[]).includes(key)) {
            presence[key as keyof StackSecrets] = isSecret(fullKey);
            if (key === "adminPassword") toCheck.adminPassword = value;
            if (key === "userPasswords") toCheck.userPasswords = parseValue(value);
        } else {
            raw[key] = (PLAIN_KEYS as readonly string[]).includes(key) ? parseValue(value) : value;
        }
    }
    return validateConfig(raw, presence, toCheck);
}

/** The SDK knows which keys were set with --secret but keeps the check internal; without it, trust the user. */
function isSecretKey(fullKey: string): boolean {
    const check = (runtimeConfig as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    return check ? check(fullKey) : true;
}

function splitKey(fullKey: string): [string, string] {
    const i = fullKey.indexOf(":");
    // The engine spells keys `ns:config:key` in some versions and `ns:key` in others.
    const rest = fullKey.slice(i + 1);
    return [fullKey.slice(0, i), rest.startsWith("config:") ? rest.slice("config:".length) : rest];
}

/** Objects arrive as JSON text; scalars stay strings (the validator parses numbers and booleans). */
function parseValue(value: string): unknown {
    if (value.startsWith("{") || value.startsWith("[")) {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    return value;
}
