import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PROJECT_ROOT } from "../config/projectRoot";

export const ROOT = PROJECT_ROOT;

/** A stack's config as the Pulumi engine hands it to the program: every value a string, secret keys listed. */
export interface EngineConfig {
    values: Record<string, string>;
    secretKeys: string[];
}

/** Stands in for `secure:` values, which only the Pulumi CLI with the stack's secrets provider can decrypt. */
export const SECRET_PLACEHOLDER = "offline-plan-placeholder-secret";

/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI does: `Pulumi.yaml`'s declared defaults for keys the stack leaves unset,
 * objects as JSON text, scalars as strings, `secure:` values as secrets.
 */
export function readStackConfig(stack: string): EngineConfig {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(process.cwd(), file)}: use --stack dev or --stack prod`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return toEngineConfig({ ...projectDefaults(), ...(doc.config ?? {}) });
}

/** `Pulumi.yaml`'s `config:` defaults, namespaced by the project's name as the CLI applies them. */
export function projectDefaults(): Record<string, unknown> {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config?: Record<string, { default?: unknown }> };
    const out: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl.default !== undefined) out[key.includes(":") ? key : `${project.name}:${key}`] = decl.default;
    }
    return out;
}

export function toEngineConfig(config: Record<string, unknown>): EngineConfig {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        if (isSecure(value)) {
            values[key] = SECRET_PLACEHOLDER;
            secretKeys.push(key);
        } else if (hasSecure(value)) {
            // `pulumi config set --secret --path k.a` keeps the object and encrypts the leaf; the CLI then hands the
            // program the whole key as a secret.
            values[key] = JSON.stringify(replaceSecure(value));
            secretKeys.push(key);
        } else if (typeof value === "object" && value !== null) {
            values[key] = JSON.stringify(value);
        } else {
            values[key] = String(value);
        }
    }
    return { values, secretKeys };
}

function isSecure(v: unknown): boolean {
    return typeof v === "object" && v !== null && Object.keys(v).length === 1 && "secure" in v;
}

function hasSecure(v: unknown): boolean {
    return typeof v === "object" && v !== null && Object.values(v).some((x) => isSecure(x) || hasSecure(x));
}

function replaceSecure(v: unknown): unknown {
    if (isSecure(v)) return SECRET_PLACEHOLDER;
    if (Array.isArray(v)) return v.map(replaceSecure);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(x)]));
    return v;
}
