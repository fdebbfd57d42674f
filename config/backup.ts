import type { HostConfig, SecretPresence } from "./types";
import { Bad, bool, int, obj, show, str, unknownFields } from "./parse";

/** Where restic keeps the snapshots: a path on the host, an SFTP server, or an S3-compatible bucket. */
export type BackupRepository =
    | { kind: "local"; path: string }
    | { kind: "sftp"; user: string; host: string; path: string }
    | { kind: "s3"; endpoint: string; bucket: string; prefix: string };

export interface BackupConfig {
    enabled: boolean;
    repository: BackupRepository;
    /** Daily, at this local time of the host (`HH:MM`); the weekly `restic check` runs on Sundays an hour later. */
    time: string;
    keepDaily: number;
    keepWeekly: number;
    keepMonthly: number;
}

/** restic's own spelling of a repository. */
export function resticRepository(r: BackupRepository): string {
    if (r.kind === "local") return r.path;
    if (r.kind === "sftp") return `sftp:${r.user}@${r.host}:${r.path}`;
    return `s3:${r.endpoint}/${r.bucket}${r.prefix ? `/${r.prefix}` : ""}`;
}

export const DEFAULT_LOCAL_REPOSITORY = "/var/backups/monsterr";
const k = (key: string) => `monsterr:${key}`;
const ABS_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const HOST = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i;

/** `monsterr:backup`: on by default on an SSH host (a dev machine is its owner's), a local repository unless told. */
export function validateBackup(value: unknown, host: HostConfig | undefined, secrets: SecretPresence, storageRoots: string[], bad: Bad): BackupConfig | undefined {
    const o = value === undefined ? {} : obj(value);
    if (!o) {
        bad("backup", "must be an object", `pulumi config set --path ${k("backup.repository")} sftp:backup@nas.lan:/srv/restic/monsterr`);
        return undefined;
    }
    unknownFields(o, ["enabled", "repository", "time", "keepDaily", "keepWeekly", "keepMonthly"], "backup", bad);
    let ok = true;
    const enabled = bool(o.enabled, host?.kind === "ssh");
    if (enabled === undefined) {
        bad("backup.enabled", `'${show(o.enabled)}' is not true or false`, "use true or false");
        ok = false;
    }
    const repository = parseRepository(str(o.repository) ?? DEFAULT_LOCAL_REPOSITORY);
    if (!repository) {
        bad("backup.repository", `'${show(o.repository)}' is not a repository Monsterr can use`, "use an absolute path on the host, sftp:user@host:/path, or s3:https://endpoint/bucket[/prefix]");
        ok = false;
    } else if (repository.kind === "local" && storageRoots.some((root) => repository.path === root || repository.path.startsWith(`${root}/`))) {
        bad("backup.repository", "lies inside the config root or the data tree", `keep it apart, e.g. ${DEFAULT_LOCAL_REPOSITORY}, or better another machine`);
        ok = false;
    } else if (repository.kind === "s3" && enabled) {
        for (const key of ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
            if (!secrets[key]) bad(key, secrets[key] === false ? "is stored in plain text" : "is required for an s3 repository", `pulumi config set --secret ${k(key)} ...`);
        }
    }
    const time = str(o.time) ?? "03:30";
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        bad("backup.time", `'${show(o.time)}' is not a time of day`, "use HH:MM in the host's time zone, e.g. 03:30");
        ok = false;
    }
    const keep = (key: "keepDaily" | "keepWeekly" | "keepMonthly", dflt: number) => {
        const n = int(o[key], dflt);
        if (n === undefined || n < 0 || n > 1000) {
            bad(`backup.${key}`, `'${show(o[key])}' is not a count of snapshots`, "use a whole number from 0 to 1000");
            ok = false;
        }
        return n ?? 0;
    };
    const keepDaily = keep("keepDaily", 7);
    const keepWeekly = keep("keepWeekly", 4);
    const keepMonthly = keep("keepMonthly", 6);
    if (ok && keepDaily + keepWeekly + keepMonthly === 0) {
        bad("backup", "keeps no snapshot at all (keepDaily, keepWeekly and keepMonthly are 0)", "keep at least one, e.g. keepDaily 7");
        ok = false;
    }
    return ok && repository ? { enabled: enabled!, repository, time, keepDaily, keepWeekly, keepMonthly } : undefined;
}

function parseRepository(v: string): BackupRepository | undefined {
    if (ABS_PATH.test(v) && !v.split("/").includes("..")) return { kind: "local", path: v };
    const sftp = /^sftp:([a-z_][a-z0-9_-]{0,31})@([^:/]+):(\/[A-Za-z0-9._/-]+)$/.exec(v);
    if (sftp && HOST.test(sftp[2]) && !sftp[3].split("/").includes("..")) return { kind: "sftp", user: sftp[1], host: sftp[2], path: sftp[3] };
    const s3 = /^s3:(https:\/\/[a-z0-9.-]+(?::\d+)?)\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([A-Za-z0-9._/-]+))?$/.exec(v);
    if (s3) return { kind: "s3", endpoint: s3[1], bucket: s3[2], prefix: s3[3] ?? "" };
    return undefined;
}
