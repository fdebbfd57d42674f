import type { HostConfig, SecretPresence } from "./types";
import { Bad, show } from "./parse";
import { SAFE_PATH } from "./schema/formats";
import { read, readFields, readObject } from "./schema/setting";
import { BACKUP } from "./schema/settings";

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

export const DEFAULT_LOCAL_REPOSITORY = BACKUP.fields.repository.default!;
const k = (key: string) => `monsterr:${key}`;
const HOST = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i;

/** `monsterr:backup`: on by default on an SSH host (a dev machine is its owner's), a local repository unless told. */
export function validateBackup(value: unknown, host: HostConfig | undefined, secrets: SecretPresence, storageRoots: string[], bad: Bad): BackupConfig | undefined {
    const F = BACKUP.fields;
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    const o = readObject(BACKUP, value, "backup", fail);
    if (!o) return undefined;
    const enabled = read(F.enabled, o.enabled, "backup.enabled", fail, host?.kind === "ssh");
    const given = read(F.repository, o.repository, "backup.repository", fail);
    const repository = given === undefined ? undefined : parseRepository(given);
    if (given !== undefined && !repository) {
        fail("backup.repository", `'${show(o.repository)}' ${F.repository.problem}`, F.repository.fix);
    } else if (repository?.kind === "local" && storageRoots.some((root) => repository.path === root || repository.path.startsWith(`${root}/`))) {
        fail("backup.repository", "lies inside the config root or the data tree", `keep it apart, e.g. ${DEFAULT_LOCAL_REPOSITORY}, or better another machine`);
    } else if (repository?.kind === "s3" && enabled) {
        for (const key of ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
            if (!secrets[key]) bad(key, secrets[key] === false ? "is stored in plain text" : "is required for an s3 repository", `pulumi config set --secret ${k(key)} ...`);
        }
    }
    const { time, keepDaily, keepWeekly, keepMonthly } = readFields({ time: F.time, keepDaily: F.keepDaily, keepWeekly: F.keepWeekly, keepMonthly: F.keepMonthly }, o, "backup", fail);
    if (ok && keepDaily! + keepWeekly! + keepMonthly! === 0) {
        fail("backup", "keeps no snapshot at all (keepDaily, keepWeekly and keepMonthly are 0)", "keep at least one, e.g. keepDaily 7");
    }
    return ok && repository ? { enabled: enabled!, repository, time: time!, keepDaily: keepDaily!, keepWeekly: keepWeekly!, keepMonthly: keepMonthly! } : undefined;
}

function parseRepository(v: string): BackupRepository | undefined {
    if (SAFE_PATH.test(v) && !v.split("/").includes("..")) return { kind: "local", path: v };
    const sftp = /^sftp:([a-z_][a-z0-9_-]{0,31})@([^:/]+):(\/[A-Za-z0-9._/-]+)$/.exec(v);
    if (sftp && HOST.test(sftp[2]) && !sftp[3].split("/").includes("..")) return { kind: "sftp", user: sftp[1], host: sftp[2], path: sftp[3] };
    const s3 = /^s3:(https:\/\/[a-z0-9.-]+(?::\d+)?)\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([A-Za-z0-9._/-]+))?$/.exec(v);
    if (s3) return { kind: "s3", endpoint: s3[1], bucket: s3[2], prefix: s3[3] ?? "" };
    return undefined;
}
