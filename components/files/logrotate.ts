/**
 * A logrotate stanza for a log an app writes into its config folder and never rotates itself. Authelia 4.39 opens
 * its log file once (O_APPEND) and only reopens it, truncating, on SIGHUP (internal/logging/file.go), so the copy is
 * rotated and the file truncated in place (`copytruncate`): Authelia keeps appending, Fail2Ban keeps reading the
 * same path.
 */
export interface LogrotateRule {
    path: string;
    /** Rotations kept; each is a day unless the file passes `maxSizeMb` sooner. */
    keep: number;
    maxSizeMb: number;
}

export function serializeLogrotate(rules: readonly LogrotateRule[]): string {
    return rules
        .map((r) => {
            if (!/^\/[A-Za-z0-9._/-]+$/.test(r.path)) throw new Error(`logrotate path ${r.path} must be a plain absolute path`);
            const lines = ["daily", `maxsize ${r.maxSizeMb}M`, `rotate ${r.keep}`, "missingok", "notifempty", "compress", "delaycompress", "copytruncate"];
            return `${r.path} {\n${lines.map((l) => `    ${l}\n`).join("")}}\n`;
        })
        .join("");
}

/** Where the host's logrotate (daily, from Debian's logrotate.timer) reads it. */
export const LOGROTATE_FILE = "/etc/logrotate.d/monsterr";
