/** Quotes a string for POSIX sh: the only way values enter host scripts. */
export function shQuote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Joins script lines into one `set -eu` script. */
export function script(...lines: string[]): string {
    return ["set -eu", ...lines].join("\n");
}
