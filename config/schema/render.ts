import { ObjectSetting, Setting } from "./setting";
import { ALL_SETTINGS as SETTINGS } from "./settings";

/** The declared settings as README's table, `Pulumi.yaml`'s config block and a JSON Schema of stack files. */

const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

function defaultCell(s: Setting, nested = false): string {
    if (s.defaultDoc) return s.defaultDoc;
    if (s.required) return "required";
    if ("default" in s && s.default !== undefined) return code(s.default);
    if (s.type === "object" && nested) return "off";
    if (s.type === "object") {
        const defaults = Object.values(s.fields).filter((f) => "default" in f && f.default !== undefined).map((f) => code((f as { default: unknown }).default));
        if (defaults.length) return defaults.join(", ");
    }
    return "none";
}

function fieldsText(o: ObjectSetting): string {
    return Object.entries(o.fields)
        .map(([name, f]) => {
            const d = defaultCell(f, true);
            const inner = f.type === "object" ? ` {${fieldsText(f)}}` : "";
            return `${code(name)} (${d}): ${f.doc}${inner}`;
        })
        .join("; ");
}

/** README's settings table: one row per key, fields with their defaults inside. */
export function settingsTable(): string {
    const rows = Object.entries(SETTINGS).map(([key, s]) => {
        const name = s.type === "secret" ? `${code(key)} (secret)` : code(key);
        let meaning: string = s.doc;
        if (s.type === "object") meaning += `: ${fieldsText(s)}`;
        if (s.type === "map") meaning += `: ${code(`${s.keyDoc}`)} -> {${fieldsText(s.values)}}`;
        if (s.type === "list") meaning += ` (a list)`;
        return `| ${name} | ${defaultCell(s)} | ${meaning.replace(/\|/g, "\\|")} |`;
    });
    return ["| key | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/**
 * Pulumi's project config type of a setting. Objects and lists get none: Pulumi checks a typed key only as the stack
 * stores it (pkg/workspace/config.go), and a value set as JSON text (`pulumi config set monsterr:users '{...}'`),
 * which the program reads, would fail `type: object`.
 */
function pulumiType(s: Setting): Record<string, unknown> {
    switch (s.type) {
        case "string":
        case "integer":
        case "boolean":
            return { type: s.type };
        case "number":
            return { type: "string" };
        default:
            return {};
    }
}

/**
 * What `Pulumi.yaml` declares under `config:`. Pulumi treats a declared key without a default as required and applies
 * defaults to every stack, so only the required keys go without one, and each default is a value the program reads
 * exactly like an unset key (a test proves it); secrets are not declared, since each is optional.
 */
export function projectConfig(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, s] of Object.entries(SETTINGS)) {
        if (s.type === "secret") continue;
        const description = s.doc.replace(/`/g, "");
        const dflt = unsetValue(s);
        out[key] = { ...pulumiType(s), description, ...(s.required ? {} : { default: dflt }) };
    }
    return out;
}

/** The value that means the same to the program as leaving the key unset. */
export function unsetValue(s: Setting): unknown {
    if (s.type === "list") return [];
    if (s.type === "map") return {};
    // An object that is switched on by being present (vpn) is written switched off.
    if (s.type === "object") return s.fields.enabled?.type === "boolean" && s.fields.enabled.default === true ? { enabled: false } : {};
    return "default" in s ? s.default : undefined;
}

function jsonSchemaOf(s: Setting): Record<string, unknown> {
    const description = s.doc.replace(/`/g, "");
    // The CLI writes scalars as strings (`pulumi config set monsterr:puid 1000` stores "1000").
    switch (s.type) {
        case "string":
            return { type: "string", description, ...(s.allowed ? { enum: [...s.allowed] } : {}), ...(s.default !== undefined ? { default: s.default } : {}) };
        case "integer":
            return { description, anyOf: [{ type: "integer", minimum: s.min, maximum: s.max }, { type: "string", pattern: "^\\d+$" }], ...(s.default !== undefined ? { default: s.default } : {}) };
        case "number":
            return { description, anyOf: [{ type: "number", minimum: s.min, maximum: s.max }, { type: "string", pattern: "^\\d+(\\.\\d+)?$" }] };
        case "boolean":
            return { description, anyOf: [{ type: "boolean" }, { enum: ["true", "false"] }], ...(s.default !== undefined ? { default: s.default } : {}) };
        case "list":
            return { description, anyOf: [{ type: "array", items: jsonSchemaOf(s.items) }, ...(s.singleAllowed ? [jsonSchemaOf(s.items)] : [])] };
        case "object":
            return { type: "object", description, additionalProperties: false, properties: Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, jsonSchemaOf(f)])) };
        case "map":
            return { type: "object", description, additionalProperties: jsonSchemaOf(s.values) };
        case "secret": {
            const secure = { type: "object", required: ["secure"], properties: { secure: { type: "string" } }, additionalProperties: false };
            const desc = `${description} (set with pulumi config set --secret)`;
            // Keyed secrets are set one key at a time with --path: an object of secure values (or one secure object).
            return s.keyed ? { description: desc, anyOf: [secure, { type: "object", additionalProperties: secure }] } : { ...secure, description: desc };
        }
    }
}

/** A JSON Schema of `Pulumi.<stack>.yaml`, for editors (yaml-language-server) and the stack-file test. */
export function stackFileSchema(): Record<string, unknown> {
    const properties = Object.fromEntries(Object.entries(SETTINGS).map(([key, s]) => [`monsterr:${key}`, jsonSchemaOf(s)]));
    return {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "Monsterr stack settings (Pulumi.<stack>.yaml)",
        type: "object",
        properties: {
            config: {
                type: "object",
                properties,
                required: Object.entries(SETTINGS).filter(([, s]) => s.required).map(([key]) => `monsterr:${key}`),
                // Other namespaces (docker:, command:...) belong to the providers; a misspelt monsterr: key is an error.
                propertyNames: { anyOf: [{ not: { pattern: "^monsterr:" } }, { enum: Object.keys(properties) }] },
            },
        },
    };
}
