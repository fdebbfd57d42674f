/** Reading raw stack values (strings or JSON from `pulumi config`) without ever throwing: shared by the validators. */

/** Records one problem with one key (without the `monsterr:` namespace). */
export type Bad = (key: string, problem: string, fix: string) => void;

export function obj(v: unknown): Record<string, unknown> | undefined {
    if (typeof v === "string") {
        try {
            v = JSON.parse(v);
        } catch {
            return undefined;
        }
    }
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
export function num(v: unknown): number | undefined {
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
}
/** Renders any user value for an error message without throwing (null-prototype objects, symbols...). */
export function show(v: unknown): string {
    let s: string;
    try {
        s = typeof v === "string" ? v : JSON.stringify(v) ?? typeof v;
    } catch {
        s = typeof v;
    }
    return clip(s);
}
export function clip(s: string): string {
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
