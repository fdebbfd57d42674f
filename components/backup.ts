import * as pulumi from "@pulumi/pulumi";
import { BackupConfig } from "../config/backup";
import { ServiceName } from "../config/catalog";
import { packagesScript } from "./edge/firewallScripts";
import { BACKUP_SCRIPT, BACKUP_TIMERS, BackupPaths, RESTORE_SCRIPT, S3_ENV_ID, SYSTEMD_DIR, backupScript, backupUnits, restoreScript, serializeUnit } from "./files/backup";
import { hostCommand } from "./hostCommand";
import { HostFile } from "./hostFile";
import { HostTarget } from "./hostTarget";
import { script } from "./shell";

export interface BackupArgs {
    host: HostTarget;
    backup: BackupConfig;
    paths: BackupPaths;
    enabled: ServiceName[];
    /** restic's repository password: a generated secret the host keeps (see Secrets). */
    password: HostFile;
    /** S3 credentials, when the repository is a bucket. */
    s3?: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Packages the backup needs on the host; installed only when missing. */
export const BACKUP_PACKAGES = [
    { command: "restic", pkg: "restic" },
    { command: "sqlite3", pkg: "sqlite3" },
];

/**
 * Nightly restic backups on the host, run by systemd timers rather than a container: the job must read every app's
 * folder as root, stop a container for a moment and survive the apps' restarts; a timer with `Persistent=true` also
 * catches up a run missed while the host was off. `pulumi destroy` disables the timers and removes the scripts; the
 * repository and its snapshots are never touched.
 */
export class Backup extends pulumi.ComponentResource {
    readonly repository: string;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:Backup", name, {}, opts);
        const child = { parent: this, dependsOn: args.dependsOn };
        const hasS3 = args.s3 !== undefined;
        const files: HostFile[] = [
            new HostFile(`${name}-script`, { host: args.host, path: BACKUP_SCRIPT, content: backupScript(args.backup, args.paths, args.enabled, hasS3), mode: "0755", owner: "0:0" }, child),
            new HostFile(`${name}-restore`, { host: args.host, path: RESTORE_SCRIPT, content: restoreScript(args.backup, args.paths, args.enabled, hasS3), mode: "0755", owner: "0:0" }, child),
            ...Object.entries(backupUnits(args.backup)).map(
                ([unit, body]) => new HostFile(`${name}-${unit.replace(/\./g, "-")}`, { host: args.host, path: `${SYSTEMD_DIR}/${unit}`, content: serializeUnit(body), mode: "0644", owner: "0:0" }, child),
            ),
        ];
        if (args.s3) {
            const env = pulumi.secret(pulumi.all([args.s3.accessKeyId, args.s3.secretAccessKey]).apply(([id, key]) => `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${key}\n`));
            files.push(new HostFile(`${name}-s3`, { host: args.host, path: `${args.paths.secretsDir}/${S3_ENV_ID}`, content: env, mode: "0400", owner: "0:0", secret: true }, child));
        }
        const packages = hostCommand(`${name}-packages`, { create: packagesScript(BACKUP_PACKAGES) }, args.host, child);
        // Runs again whenever a script or unit changes: systemd reads units only on daemon-reload.
        hostCommand(
            `${name}-schedule`,
            {
                create: script("systemctl daemon-reload", `systemctl enable --now ${BACKUP_TIMERS.join(" ")} >/dev/null`, `${BACKUP_SCRIPT} init`),
                delete: script(`systemctl disable --now ${BACKUP_TIMERS.join(" ")} >/dev/null 2>&1 || true`, "systemctl daemon-reload"),
                triggers: files.map((f) => f.contentHash),
            },
            args.host,
            { parent: this, dependsOn: [...files, args.password, packages] },
        );
        this.repository = args.backup.repository.kind === "local" ? args.backup.repository.path : args.backup.repository.kind;
        this.registerOutputs({ repository: this.repository });
    }
}
