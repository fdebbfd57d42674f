import { BackupConfig, resticRepository } from "../../config/backup";
import { CATALOG, ServiceName } from "../../config/catalog";
import { shQuote } from "../shell";

/**
 * The nightly backup, as the host runs it: a shell script for systemd (restic and sqlite3 from the host's packages).
 *
 * SQLite databases are copied with `sqlite3 .backup` while their apps run: the online backup API reads a consistent
 * snapshot of a live WAL database (the main file alone misses what is still in `-wal`, and a copy of both taken while
 * the app writes can tear). Apps keep serving during the copy; only a database that has no online copy (Portainer's
 * BoltDB) stops for it (catalog `backup.stopForCopy`). The consistent copies go to a staging folder inside the
 * config root; restic then snapshots the config root with the live database files left out.
 */
export interface BackupPaths {
    configRoot: string;
    /** Generated credentials; the restic password is one of them. */
    secretsDir: string;
    /** node-exporter's textfile collector reads the results from here. */
    textfileDir: string;
    /**
     * The host name snapshots are recorded under (`monsterr-<stack>`), not the machine's: a new machine restoring
     * after a loss finds its stack's snapshots, and stacks sharing a repository never prune or restore each other's.
     */
    snapshotHost: string;
}

export const BACKUP_SCRIPT = "/usr/local/lib/monsterr/backup.sh";
export const RESTORE_SCRIPT = "/usr/local/sbin/monsterr-restore";
export const SYSTEMD_DIR = "/etc/systemd/system";
export const STAGING = ".monsterr-backup";
export const RESTIC_PASSWORD_ID = "restic-password";
export const S3_ENV_ID = "backup-s3.env";
/** Snapshots Monsterr takes carry this tag; `forget` never touches others in a shared repository. */
export const SNAPSHOT_TAG = "monsterr";
/** File names that may hold an SQLite database; each is confirmed by its header before it is copied. */
const SQLITE_NAMES = ["*.db", "*.sqlite", "*.sqlite3", "*.db3"];

/** Every path restic leaves out: the services' own excludes, under their config folders. */
export function backupExcludes(configRoot: string, enabled: readonly ServiceName[]): string[] {
    return CATALOG.filter((s) => enabled.includes(s.name)).flatMap((s) => (s.backup?.exclude ?? []).map((p) => `${configRoot}/${s.name}/${p}`));
}

export function stoppedForCopy(enabled: readonly ServiceName[]): ServiceName[] {
    return CATALOG.filter((s) => enabled.includes(s.name) && s.backup?.stopForCopy).map((s) => s.name);
}

/** restic patterns match with filepath.Match: escape what it would read as a pattern. */
export function resticLiteral(path: string): string {
    return path.replace(/[[\]*?\\]/g, "\\$&");
}

function environment(backup: BackupConfig, paths: BackupPaths, hasS3: boolean): string[] {
    return [
        `export RESTIC_REPOSITORY=${shQuote(resticRepository(backup.repository))}`,
        `export RESTIC_PASSWORD_FILE=${shQuote(`${paths.secretsDir}/${RESTIC_PASSWORD_ID}`)}`,
        "export RESTIC_CACHE_DIR=/var/cache/monsterr-restic",
        ...(hasS3 ? [`set -a; . ${shQuote(`${paths.secretsDir}/${S3_ENV_ID}`)}; set +a`] : []),
        `root=${shQuote(paths.configRoot)}`,
        `staging="$root/${STAGING}"`,
        `snaphost=${shQuote(paths.snapshotHost)}`,
    ];
}

/** `backup.sh init|run|check`: what the timers run, and what `pulumi up` runs once (init) to fail early on a bad repository. */
export function backupScript(backup: BackupConfig, paths: BackupPaths, enabled: readonly ServiceName[], hasS3: boolean): string {
    const excludes = backupExcludes(paths.configRoot, enabled);
    const stop = stoppedForCopy(enabled);
    const keep = [["daily", backup.keepDaily], ["weekly", backup.keepWeekly], ["monthly", backup.keepMonthly]].filter(([, n]) => Number(n) > 0).map(([w, n]) => `--keep-${w} ${n}`).join(" ");
    const names = SQLITE_NAMES.map((n) => `-name ${shQuote(n)}`).join(" -o ");
    return [
        "#!/bin/sh",
        "# monsterr backup: restic snapshots of the config root, with consistent copies of every SQLite database.",
        "set -eu",
        "umask 077",
        ...environment(backup, paths, hasS3),
        `textfile=${shQuote(paths.textfileDir)}`,
        "",
        "# Writes one metric file for node-exporter atomically; a failed run keeps the last success's time.",
        'gauge() { echo "# HELP monsterr_${name}_last_$1 $2"; echo "# TYPE monsterr_${name}_last_$1 gauge"; echo "monsterr_${name}_last_$1 $3"; }',
        "write_metrics() { # <name> <status 1|0> <started> <extra lines...>",
        '    name=$1; status=$2; started=$3; shift 3; file="$textfile/$name.prom"',
        '    last=$(sed -n "s/^monsterr_${name}_last_success_timestamp_seconds //p" "$file" 2>/dev/null || true)',
        '    now=$(date +%s); if [ "$status" = 1 ]; then last=$now; fi',
        '    mkdir -p "$textfile"; tmp=$(mktemp "$textfile/.monsterr.XXXXXX")',
        "    {",
        '        gauge status "1 when the last run succeeded, 0 when it failed." "$status"',
        '        gauge run_timestamp_seconds "When the last run ended." "$now"',
        '        gauge duration_seconds "How long the last run took." "$((now - started))"',
        '        if [ -n "$last" ]; then gauge success_timestamp_seconds "When the last successful run ended." "$last"; fi',
        '        for line in "$@"; do echo "# HELP ${line%% *} Bytes the last backup added to the repository."; echo "# TYPE ${line%% *} gauge"; echo "$line"; done',
        '    } > "$tmp"',
        '    chmod 0644 "$tmp"; mv -f "$tmp" "$file"',
        "}",
        "",
        "restart=''",
        'start_again() { for c in $restart; do docker start "$c" >/dev/null || echo "monsterr: could not start $c again" >&2; done; restart=""; }',
        "",
        "run() {",
        '    started=$(date +%s); added=0',
        "    trap 'rc=$?; start_again; write_metrics backup $([ $rc = 0 ] && echo 1 || echo 0) $started \"monsterr_backup_last_added_bytes $added\"; exit $rc' EXIT",
        '    rm -rf "$staging"; mkdir -p "$staging/sqlite"; : > "$staging/exclude"',
        ...excludes.map((e) => `    printf '%s\\n' ${shQuote(resticLiteral(e))} >> "$staging/exclude"`),
        `    find "$root" -path "$staging" -prune -o -type f \\( ${names} \\) -print > "$staging/candidates"`,
        '    while IFS= read -r db; do',
        '        [ "$(head -c 15 "$db")" = "SQLite format 3" ] || continue',
        '        rel=${db#"$root"/}',
        '        case "$rel" in *\\"*) echo "monsterr: cannot copy $db (a double quote in its path)" >&2; exit 1;; esac',
        '        mkdir -p "$staging/sqlite/$(dirname "$rel")"',
        '        sqlite3 "$db" ".timeout 60000" ".backup \\"$staging/sqlite/$rel\\""',
        '        sqlite3 "$staging/sqlite/$rel" "PRAGMA integrity_check" | grep -qx ok || { echo "monsterr: the copy of $db is damaged" >&2; exit 1; }',
        '        for f in "$db" "$db-wal" "$db-shm" "$db-journal"; do printf \'%s\\n\' "$f" | sed \'s/[][*?\\\\]/\\\\&/g\' >> "$staging/exclude"; done',
        '    done < "$staging/candidates"',
        ...stop.map((c) => `    if [ "$(docker inspect -f '{{.State.Running}}' ${c} 2>/dev/null)" = true ]; then docker stop -t 60 ${c} >/dev/null; restart="$restart ${c}"; fi`),
        `    restic backup --quiet --json --host "$snaphost" --tag ${SNAPSHOT_TAG} --exclude-file "$staging/exclude" "$root" > "$staging/summary"`,
        "    start_again",
        '    added=$(sed -n \'s/.*"message_type":"summary".*"data_added":\\([0-9]*\\).*/\\1/p\' "$staging/summary" | tail -n 1)',
        '    added=${added:-0}',
        `    restic forget --quiet --host "$snaphost" --tag ${SNAPSHOT_TAG} --group-by host,tags ${keep} --prune`,
        "}",
        "",
        "check() {",
        '    started=$(date +%s)',
        "    trap 'rc=$?; write_metrics backup_check $([ $rc = 0 ] && echo 1 || echo 0) $started; exit $rc' EXIT",
        "    # A fifth of the data each week, a different fifth every week: all of it read back every five weeks.",
        '    restic check --read-data-subset="$(( $(date +%V | sed \'s/^0//\') % 5 + 1 ))/5"',
        "}",
        "",
        "init() {",
        "    restic cat config >/dev/null 2>&1 || restic init",
        '    mkdir -p "$textfile"',
        "    # The alerts count a fresh install's age from here until the first backup.",
        '    if [ ! -e "$textfile/backup_installed.prom" ]; then echo "monsterr_backup_installed_timestamp_seconds $(date +%s)" > "$textfile/.installed" && chmod 0644 "$textfile/.installed" && mv "$textfile/.installed" "$textfile/backup_installed.prom"; fi',
        "}",
        "",
        'case "${1:-run}" in',
        "    run) run ;;",
        "    check) check ;;",
        "    init) init ;;",
        '    *) echo "usage: $0 [run|check|init]" >&2; exit 2 ;;',
        "esac",
        "",
    ].join("\n");
}

/**
 * `monsterr-restore <app>|all [snapshot]`: stops the app, moves its folder aside, puts back the snapshot's copy (with
 * the consistent database copies in place of the live files), starts it. `all` does that for every app and the
 * generated credentials.
 */
export function restoreScript(backup: BackupConfig, paths: BackupPaths, enabled: readonly ServiceName[], hasS3: boolean): string {
    const apps = CATALOG.filter((s) => enabled.includes(s.name)).map((s) => s.name);
    return [
        "#!/bin/sh",
        "# monsterr restore: puts an app's config folder (or every one) back from a restic snapshot.",
        "set -eu",
        "umask 077",
        ...environment(backup, paths, hasS3),
        `apps=${shQuote(apps.join(" "))}`,
        `usage="usage: monsterr-restore <app>|all [snapshot]; apps: $apps; snapshots: RESTIC_REPOSITORY=... restic snapshots --host $snaphost --tag ${SNAPSHOT_TAG}"`,
        'app=${1:-}; snapshot=${2:-latest}',
        'case " $apps all " in *" $app "*) ;; *) echo "$usage" >&2; exit 2;; esac',
        '[ -n "$app" ] || { echo "$usage" >&2; exit 2; }',
        'if [ "$app" = all ]; then folders="$apps secrets"; containers=$apps; else folders=$app; containers=$app; fi',
        "work=$(mktemp -d /var/tmp/monsterr-restore.XXXXXX)",
        "trap 'rm -rf \"$work\"' EXIT",
        'includes=""',
        'for f in $folders; do includes="$includes --include $root/$f --include $staging/sqlite/$f"; done',
        `restic restore "$snapshot" --host "$snaphost" --tag ${SNAPSHOT_TAG} --target "$work" $includes`,
        'stamp=$(date +%Y%m%d-%H%M%S)',
        'stopped=""',
        'for c in $containers; do if docker inspect "$c" >/dev/null 2>&1; then docker stop -t 60 "$c" >/dev/null; stopped="$stopped $c"; fi; done',
        'for f in $folders; do',
        '    [ -d "$work$root/$f" ] || { echo "monsterr: the snapshot has no $f" >&2; continue; }',
        '    if [ -e "$root/$f" ]; then mv "$root/$f" "$root/$f.before-restore-$stamp"; echo "the previous $f is in $root/$f.before-restore-$stamp"; fi',
        '    cp -a "$work$root/$f" "$root/$f"',
        '    if [ -d "$work$staging/sqlite/$f" ]; then',
        '        (cd "$work$staging/sqlite" && find "$f" -type f) | while IFS= read -r rel; do',
        '            rm -f "$root/$rel-wal" "$root/$rel-shm" "$root/$rel-journal"',
        '            cp -p "$work$staging/sqlite/$rel" "$root/$rel"',
        '            chown --reference="$(dirname "$root/$rel")" "$root/$rel"',
        "        done",
        "    fi",
        "done",
        'for c in $stopped; do docker start "$c" >/dev/null; done',
        'echo "restored $app from snapshot $snapshot"',
        "",
    ].join("\n");
}

export type SystemdUnit = Record<string, Record<string, string | number | boolean>>;

/** systemd's INI dialect: `[Section]` then `Key=Value`, booleans as true/false. */
export function serializeUnit(unit: SystemdUnit): string {
    return Object.entries(unit)
        .map(([section, keys]) => [`[${section}]`, ...Object.entries(keys).map(([k, v]) => `${k}=${v}`)].join("\n"))
        .join("\n\n")
        .concat("\n");
}

/** The services and timers: a daily backup at the configured time, a weekly check on Sundays an hour later. */
export function backupUnits(backup: BackupConfig): Record<string, SystemdUnit> {
    const [h, m] = backup.time.split(":").map(Number);
    const checkAt = `${String((h + 1) % 24).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    const service = (what: string, arg: string): SystemdUnit => ({
        Unit: { Description: `Monsterr ${what}`, Wants: "network-online.target", After: "network-online.target docker.service" },
        Service: { Type: "oneshot", ExecStart: `${BACKUP_SCRIPT} ${arg}`, Nice: 10, IOSchedulingClass: "idle" },
    });
    const timer = (what: string, calendar: string): SystemdUnit => ({
        Unit: { Description: `Monsterr ${what}` },
        // A host that was off at the time runs the missed job when it is back.
        Timer: { OnCalendar: calendar, Persistent: true },
        Install: { WantedBy: "timers.target" },
    });
    return {
        "monsterr-backup.service": service("backup (restic)", "run"),
        "monsterr-backup.timer": timer("backup, daily", `*-*-* ${backup.time}:00`),
        "monsterr-backup-check.service": service("backup check (restic check)", "check"),
        "monsterr-backup-check.timer": timer("backup check, weekly", `Sun *-*-* ${checkAt}:00`),
    };
}

export const BACKUP_TIMERS = ["monsterr-backup.timer", "monsterr-backup-check.timer"];
