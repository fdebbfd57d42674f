import { Bad, num, obj, show } from "../parse";

/**
 * One declared stack setting: its type, default, meaning and the fix for a bad value. Validation reads values through
 * these declarations; the wizard, the README's settings table, `Pulumi.yaml`'s config block and the JSON Schema of
 * `Pulumi.<stack>.yaml` are rendered from them.
 */
export type Setting = StringSetting | IntegerSetting | NumberSetting | BooleanSetting | ListSetting | ObjectSetting | MapSetting | SecretSetting;

interface Common {
    /** What the setting means, for people: the README and editors show it. */
    doc: string;
    /** The default as the README states it, when it is computed from other settings (no `default` then). */
    defaultDoc?: string;
    /** The fix for a bad value: what to set instead. */
    fix: string;
    /** A missing value is a problem. */
    required?: boolean;
}

/** The problem with an otherwise well-typed value (the whole sentence after the key), optionally with its own fix. */
export type Check<T> = (v: T) => string | { problem: string; fix: string } | undefined;

export interface StringSetting extends Common {
    type: "string";
    default?: string;
    allowed?: readonly string[];
    /** Rendered after the quoted value: `'x' is not an IANA time zone`. */
    problem: string;
    /** The value's format; a value outside it gets `problem`. */
    valid?: (v: string) => boolean;
    check?: Check<string>;
    /** A value to show in a `pulumi config set` line. */
    example: string;
}

export interface IntegerSetting extends Common {
    type: "integer";
    default?: number;
    min: number;
    max: number;
    problem: string;
    check?: Check<number>;
    example: string;
}

export interface NumberSetting extends Common {
    type: "number";
    default?: number;
    min: number;
    max: number;
    problem: string;
    example: string;
}

export interface BooleanSetting extends Common {
    type: "boolean";
    default?: boolean;
}

export interface ListSetting extends Common {
    type: "list";
    items: StringSetting;
    /** A single string stands for a list of one (how `pulumi config set` without --path stores it). */
    singleAllowed?: boolean;
    /** The problem when the value is no list at all, or (unless `indexed`) an item is bad. */
    problem: string;
    /** A bad item is reported under its own key (`trustedProxies[2]`) with the item's problem. */
    indexed?: boolean;
}

export interface ObjectSetting extends Common {
    type: "object";
    fields: Record<string, Setting>;
}

/** Free keys (a service name, a user name) to objects of one shape. */
export interface MapSetting extends Common {
    type: "map";
    /** What a key names, for the README: `<name>`. */
    keyDoc: string;
    values: ObjectSetting;
}

/** Set only with `pulumi config set --secret`; validation sees whether it is set, and as a secret. */
export interface SecretSetting extends Common {
    type: "secret";
    /** One secret per key (`--secret --path 'monsterr:userPasswords.alice'`) rather than one value. */
    keyed?: boolean;
}

export type Scalar = StringSetting | IntegerSetting | NumberSetting | BooleanSetting;

const ns = (key: string) => `monsterr:${key}`;

/** `pulumi config set` for a key: `--path` for nested ones. */
export function setCommand(key: string, value: string): string {
    return key.includes(".") || key.includes("[") ? `pulumi config set --path '${ns(key)}' ${value}` : `pulumi config set ${ns(key)} ${value}`;
}

type ScalarValue<S> = S extends StringSetting ? string : S extends IntegerSetting | NumberSetting ? number : S extends BooleanSetting ? boolean : never;

/**
 * The problem with one scalar value as the CLI stores it (text, or the parsed YAML value), with its fix; or the value.
 * Shared by validation and the wizard, so an answer the wizard accepts is one the program accepts.
 */
export function checkScalar<S extends Scalar>(s: S, raw: unknown): { value: ScalarValue<S> } | { problem: string; fix: string } {
    const value = parseScalar(s, raw);
    if (value === undefined) {
        if (s.type === "boolean") return { problem: `'${show(raw)}' is not true or false`, fix: s.fix };
        return { problem: `'${show(raw)}' ${s.problem}`, fix: s.fix };
    }
    if (s.type === "string") {
        const v = value as string;
        if ((s.allowed && !s.allowed.includes(v)) || (s.valid && !s.valid(v))) return { problem: `'${show(raw)}' ${s.problem}`, fix: s.fix };
        const c = s.check?.(v);
        if (typeof c === "string") return { problem: c, fix: s.fix };
        if (c) return c;
    }
    if (s.type === "integer") {
        const c = s.check?.(value as number);
        if (typeof c === "string") return { problem: c, fix: s.fix };
        if (c) return c;
    }
    return { value: value as ScalarValue<S> };
}

function parseScalar(s: Scalar, raw: unknown): string | number | boolean | undefined {
    switch (s.type) {
        case "string":
            return typeof raw === "string" ? raw : undefined;
        case "boolean":
            return raw === true || raw === "true" ? true : raw === false || raw === "false" ? false : undefined;
        case "integer": {
            const n = num(raw);
            return n !== undefined && Number.isInteger(n) && n >= s.min && n <= s.max ? n : undefined;
        }
        case "number": {
            const n = num(raw);
            return n !== undefined && n >= s.min && n <= s.max ? n : undefined;
        }
    }
}

/**
 * Reads one scalar: its default when unset (or undefined, reported when required), else the checked value.
 * `dflt` overrides the declared default where it is computed (backup.enabled follows the host's type).
 */
export function read<S extends Scalar>(s: S, raw: unknown, key: string, bad: Bad, dflt?: ScalarValue<S>): ScalarValue<S> | undefined {
    if (raw === undefined) {
        // A default computed from another setting (sshdPort from port) is checked like a value given.
        if (dflt !== undefined) raw = dflt;
        else {
            if (s.default === undefined && s.required) bad(key, "is required", setCommand(key, s.type === "string" ? s.example : String(s.type === "boolean" ? true : s.example)));
            return s.default as ScalarValue<S> | undefined;
        }
    }
    const r = checkScalar(s, raw);
    if ("value" in r) return r.value;
    bad(key, r.problem, r.fix);
    return undefined;
}

/** Reads a list: arrays, JSON text of one (`--path` lists), or one string where allowed; each item checked. */
export function readList(s: ListSetting, raw: unknown, key: string, bad: Bad): string[] | undefined {
    if (raw === undefined) return s.required ? (bad(key, "is required", s.fix), undefined) : [];
    let list: unknown = raw;
    if (typeof raw === "string") {
        try {
            list = raw.trim().startsWith("[") ? JSON.parse(raw) : s.singleAllowed ? [raw] : undefined;
        } catch {
            list = undefined;
        }
    }
    if (!Array.isArray(list) || (s.required && list.length === 0)) {
        bad(key, `'${show(raw)}' ${s.problem}`, s.fix);
        return undefined;
    }
    const out: string[] = [];
    const wrong: [number, { problem: string; fix: string }][] = [];
    list.forEach((item, i) => {
        const r = checkScalar(s.items, typeof item === "string" ? item.trim() : item);
        if ("value" in r) out.push(r.value);
        else wrong.push([i, r]);
    });
    if (wrong.length === 0) return out;
    if (s.indexed) for (const [i, r] of wrong) bad(`${key}[${i}]`, r.problem, r.fix);
    else bad(key, `'${show(raw)}' ${s.problem}`, s.fix);
    return undefined;
}

/**
 * Reads an object setting's value: the parsed object (an empty one when unset), every field not declared reported.
 * Undefined, reported, when it is no object.
 */
export function readObject(s: ObjectSetting, raw: unknown, key: string, bad: Bad): Record<string, unknown> | undefined {
    const o = raw === undefined ? {} : obj(raw);
    if (!o) {
        bad(key, "must be an object", s.fix);
        return undefined;
    }
    const known = Object.keys(s.fields);
    for (const f of Object.keys(o)) {
        if (!known.includes(f)) bad(`${key}.${f}`, "is not a known field", `remove it; known fields: ${known.join(", ")}`);
    }
    return o;
}

/** Reads a map setting's value: name -> raw entry; undefined, reported, when it is no object. */
export function readMap(s: MapSetting, raw: unknown, key: string, bad: Bad): Record<string, unknown> | undefined {
    const o = raw === undefined ? {} : obj(raw);
    if (!o) bad(key, `must be an object of ${s.keyDoc} -> settings`, s.fix);
    return o;
}

type FieldValue<S> = S extends StringSetting ? string : S extends IntegerSetting | NumberSetting ? number : S extends BooleanSetting ? boolean : S extends ListSetting ? string[] : never;

/**
 * Reads every scalar and list field of an object setting's value at once, each with its declared default; nested
 * objects and maps are left to their own readers. A field is undefined when its value was refused (and reported).
 */
export function readFields<F extends Record<string, Setting>>(fields: F, o: Record<string, unknown>, key: string, bad: Bad): { [K in keyof F]: FieldValue<F[K]> | undefined } {
    const out: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(fields)) {
        if (s.type === "list") out[name] = readList(s, o[name], `${key}.${name}`, bad);
        else if (s.type === "string" || s.type === "integer" || s.type === "number" || s.type === "boolean") out[name] = read(s, o[name], `${key}.${name}`, bad);
    }
    return out as { [K in keyof F]: FieldValue<F[K]> | undefined };
}
