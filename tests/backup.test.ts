import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BACKUP_SCRIPT, RESTORE_SCRIPT, SYSTEMD_DIR } from "../components/files/backup";
import { requireBinary } from "./support/binaries";
import { freshPlan } from "./support/plan";

/**
 * The nightly backup and the restore as the host runs them: the generated scripts with Debian's real restic and
 * sqlite3, against a config tree whose app database is being written while the backup runs.
 */
jest.setTimeout(300_000);

let tmp: string;
let root: string;
let repo: string;
let bin: string;
let scripts: { backup: string; restore: string; units: Map<string, string> };

const sh = (args: string[], env: Record<string, string> = {}) => {
    const r = childProcess.spawnSync("/bin/sh", args, { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
};
const sqlite = (db: string, sql: string) => childProcess.execFileSync("sqlite3", [db, sql], { encoding: "utf8" }).trim();
const restic = (...args: string[]) => childProcess.execFileSync("restic", args, { encoding: "utf8", env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: path.join(root, "secrets/restic-password") } });
const sha = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const metrics = (name: string) => fs.readFileSync(path.join(root, "node-exporter/textfile", `${name}.prom`), "utf8");

/** Every regular file under a folder, relative path -> sha256. */
function tree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.isFile()) out[path.relative(dir, p)] = sha(p);
        }
    };
    walk(dir);
    return out;
}

/** One long-lived writer with automatic checkpoints off: recent rows live only in the -wal file. */
function startWriter(db: string): { stop: () => Promise<void>; rows: () => number } {
    const child = childProcess.spawn("sqlite3", [db], { stdio: ["pipe", "ignore", "inherit"] });
    child.stdin.write("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;\n");
    let n = 0;
    const timer = setInterval(() => child.stdin.write(`INSERT INTO episodes(title) VALUES ('episode ${++n}');\n`), 2);
    return {
        rows: () => n,
        stop: () =>
            new Promise((resolve) => {
                clearInterval(timer);
                child.on("close", () => resolve());
                child.stdin.end(".quit\n");
            }),
    };
}

beforeAll(async () => {
    requireBinary("restic", "restic");
    requireBinary("sqlite3", "sqlite3");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-backup-"));
    root = path.join(tmp, "config");
    repo = path.join(tmp, "repo");
    bin = path.join(tmp, "bin");
    const p = await freshPlan("dev", { storage: { configRoot: root, dataRoot: path.join(tmp, "data") }, backup: { enabled: true, repository: repo, keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } });
    scripts = {
        backup: p.files.get(BACKUP_SCRIPT)!,
        restore: p.files.get(RESTORE_SCRIPT)!,
        units: new Map([...p.files].filter(([f]) => f.startsWith(`${SYSTEMD_DIR}/`)).map(([f, c]) => [path.basename(f), c])),
    };
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "backup.sh"), scripts.backup, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "monsterr-restore"), scripts.restore, { mode: 0o755 });
    // Docker as the scripts meet it: every call recorded; portainer runs.
    fs.writeFileSync(path.join(bin, "docker"), `#!/bin/sh\necho "$*" >> ${tmp}/docker.log\ncase "$1" in inspect) [ "$4" = portainer ] || [ "$2" = portainer ] && echo true;; esac\nexit 0\n`, { mode: 0o755 });

    // A config tree like a running server's.
    const plexLib = path.join(root, "plex/Library/Application Support/Plex Media Server");
    for (const d of ["sonarr", "grafana", "portainer", "prometheus/data", "secrets", `${plexLib}/Cache`, `${plexLib}/Plug-in Support/Databases`]) fs.mkdirSync(path.isAbsolute(d) ? d : path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, "secrets/restic-password"), "a-generated-restic-password-0123456789", { mode: 0o400 });
    fs.writeFileSync(path.join(root, "sonarr/config.xml"), "<Config><ApiKey>from-the-environment</ApiKey></Config>\n");
    sqlite(path.join(root, "sonarr/sonarr.db"), "PRAGMA journal_mode=WAL; CREATE TABLE episodes(id INTEGER PRIMARY KEY, title TEXT);");
    sqlite(path.join(root, "grafana/grafana.db"), "CREATE TABLE dashboard(id INTEGER PRIMARY KEY, title TEXT); INSERT INTO dashboard(title) VALUES ('Monsterr');");
    sqlite(path.join(plexLib, "Plug-in Support/Databases/com.plexapp.plugins.library.db"), "CREATE TABLE metadata_items(id INTEGER PRIMARY KEY, title TEXT); INSERT INTO metadata_items(title) VALUES ('A Film');");
    fs.writeFileSync(path.join(plexLib, "Preferences.xml"), '<Preferences PlexOnlineToken="t"/>\n');
    fs.writeFileSync(path.join(plexLib, "Cache/transcode.bin"), crypto.randomBytes(1 << 20));
    fs.writeFileSync(path.join(root, "portainer/portainer.db"), Buffer.concat([Buffer.from("bolt"), crypto.randomBytes(4096)]));
    fs.writeFileSync(path.join(root, "prometheus/data/chunk"), crypto.randomBytes(1 << 20));
    // A file named like a database that is none: copied as a file, never handed to sqlite3.
    fs.writeFileSync(path.join(root, "sonarr/not-a.db"), "plain text\n");
});

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the nightly backup, with real restic and sqlite3", () => {
    let rowsBefore = 0;
    let seconds = 0;

    it("initialises the repository once, then backs up while Sonarr writes", async () => {
        expect(sh([path.join(bin, "backup.sh"), "init"])).toMatchObject({ code: 0 });
        expect(sh([path.join(bin, "backup.sh"), "init"])).toMatchObject({ code: 0 });
        expect(metrics("backup_installed")).toMatch(/^monsterr_backup_installed_timestamp_seconds \d+\n$/);
        const writer = startWriter(path.join(root, "sonarr/sonarr.db"));
        await new Promise((r) => setTimeout(r, 1500));
        rowsBefore = Number(sqlite(path.join(root, "sonarr/sonarr.db"), "SELECT count(*) FROM episodes"));
        expect(rowsBefore).toBeGreaterThan(50);
        // Recent rows are in the WAL only: a copy of the main file alone would miss them.
        expect(fs.statSync(path.join(root, "sonarr/sonarr.db-wal")).size).toBeGreaterThan(0);
        const started = Date.now();
        const r = sh([path.join(bin, "backup.sh"), "run"]);
        seconds = (Date.now() - started) / 1000;
        await writer.stop();
        expect(r).toMatchObject({ code: 0 });
        console.log(`backup of the sample tree: ${seconds.toFixed(2)} s, repository ${Math.round(Number(childProcess.execFileSync("du", ["-sk", repo], { encoding: "utf8" }).split("\t")[0]))} KiB`);
    });

    it("stops only Portainer (BoltDB) for the copy, and starts it again", () => {
        const calls = fs.readFileSync(path.join(tmp, "docker.log"), "utf8").trim().split("\n").filter((l) => !l.startsWith("inspect"));
        expect(calls).toEqual(["stop -t 60 portainer", "start portainer"]);
    });

    it("reports success for node-exporter", () => {
        const m = metrics("backup");
        expect(m).toMatch(/^monsterr_backup_last_status 1$/m);
        expect(m).toMatch(/^monsterr_backup_last_success_timestamp_seconds \d+$/m);
        expect(Number(/^monsterr_backup_last_added_bytes (\d+)$/m.exec(m)![1])).toBeGreaterThan(1000);
        // The exposition format node-exporter's textfile collector parses, clean by Prometheus' own linter.
        const lint = childProcess.spawnSync("promtool", ["check", "metrics"], { input: m, encoding: "utf8" });
        expect({ code: lint.status, out: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ code: 0, out: "" });
    });

    it("leaves out the live database files, caches and metrics, and keeps consistent copies", () => {
        const files = restic("ls", "latest").split("\n");
        expect(files).toContain(`${root}/.monsterr-backup/sqlite/sonarr/sonarr.db`);
        expect(files).not.toContain(`${root}/sonarr/sonarr.db`);
        expect(files).not.toContain(`${root}/sonarr/sonarr.db-wal`);
        expect(files).toContain(`${root}/sonarr/not-a.db`);
        expect(files).toContain(`${root}/portainer/portainer.db`);
        expect(files.some((f) => f.includes("/Cache/"))).toBe(false);
        expect(files.some((f) => f.startsWith(`${root}/prometheus/data/`))).toBe(false);
        expect(files).toContain(`${root}/plex/Library/Application Support/Plex Media Server/Preferences.xml`);
    });

    it("restores one app into its place: every file back, the database whole with every row written before the snapshot", () => {
        const before = tree(path.join(root, "sonarr"));
        fs.rmSync(path.join(root, "sonarr"), { recursive: true });
        fs.writeFileSync(path.join(tmp, "docker.log"), "");
        const started = Date.now();
        const r = sh([path.join(bin, "monsterr-restore"), "sonarr", "latest"]);
        console.log(`restore of sonarr: ${((Date.now() - started) / 1000).toFixed(2)} s`);
        expect(r).toMatchObject({ code: 0 });
        const db = path.join(root, "sonarr/sonarr.db");
        expect(sqlite(db, "PRAGMA integrity_check")).toBe("ok");
        expect(Number(sqlite(db, "SELECT count(*) FROM episodes"))).toBeGreaterThanOrEqual(rowsBefore);
        const after = tree(path.join(root, "sonarr"));
        for (const f of ["config.xml", "not-a.db"]) expect({ f, sha: after[f] }).toEqual({ f, sha: before[f] });
        expect(fs.readFileSync(path.join(tmp, "docker.log"), "utf8").trim().split("\n").filter((l) => !l.startsWith("inspect"))).toEqual(["stop -t 60 sonarr", "start sonarr"]);
    });

    it("restores the whole server into an empty config root", () => {
        const before = tree(root);
        fs.rmSync(root, { recursive: true });
        // What `pulumi up` on a fresh host puts back before a restore: the repository's password.
        fs.mkdirSync(path.join(root, "secrets"), { recursive: true });
        fs.writeFileSync(path.join(root, "secrets/restic-password"), "a-generated-restic-password-0123456789", { mode: 0o400 });
        const r = sh([path.join(bin, "monsterr-restore"), "all"]);
        expect(r).toMatchObject({ code: 0 });
        const after = tree(root);
        const skipped = (f: string) => f.startsWith(".monsterr-backup/") || f.startsWith("prometheus/data/") || f.includes("/Cache/") || f.startsWith("node-exporter/") || /\.db(-wal|-shm)?$/.test(f) && !f.endsWith("not-a.db") && !f.startsWith("portainer/");
        const expected = Object.fromEntries(Object.entries(before).filter(([f]) => !skipped(f) && !f.includes(".before-restore-")));
        expect(Object.fromEntries(Object.entries(after).filter(([f]) => expected[f] !== undefined))).toEqual(expected);
        expect(Object.keys(expected).filter((f) => after[f] === undefined)).toEqual([]);
        for (const db of ["grafana/grafana.db", "plex/Library/Application Support/Plex Media Server/Plug-in Support/Databases/com.plexapp.plugins.library.db", "sonarr/sonarr.db"]) {
            expect({ db, check: sqlite(path.join(root, db), "PRAGMA integrity_check") }).toEqual({ db, check: "ok" });
        }
        expect(sqlite(path.join(root, "grafana/grafana.db"), "SELECT title FROM dashboard")).toBe("Monsterr");
    });

    it("refuses an app it does not know, in one line", () => {
        const r = sh([path.join(bin, "monsterr-restore"), "sonar"]);
        expect(r.code).toBe(2);
        expect(r.out).toMatch(/^usage: monsterr-restore <app>\|all \[snapshot\]; apps: .*sonarr/);
    });

    it("keeps 7 daily, 4 weekly and 6 monthly snapshots of a year of nights", () => {
        const today = new Date();
        // Every night of the last ten days, then every fifth night to two months, then every tenth to a year: every
        // month still has several (fewer snapshots keep the test fast: each restic run takes most of a second).
        const nights = [...Array(365).keys()].map((d) => d + 1).filter((d) => d <= 10 || (d <= 60 && d % 5 === 0) || d % 10 === 0);
        for (const d of nights) {
            const t = new Date(today.getTime() - d * 86400_000);
            restic("backup", "--quiet", "--host", "monsterr-dev", "--tag", "monsterr", "--time", t.toISOString().slice(0, 19).replace("T", " "), path.join(root, "sonarr/config.xml"));
        }
        expect(sh([path.join(bin, "backup.sh"), "run"])).toMatchObject({ code: 0 });
        // A snapshot of another stack in the same repository: never pruned by this one.
        restic("backup", "--quiet", "--host", "monsterr-other", "--tag", "monsterr", "--time", "2025-01-01 03:30:00", path.join(root, "sonarr/config.xml"));
        expect(sh([path.join(bin, "backup.sh"), "run"])).toMatchObject({ code: 0 });
        expect(restic("snapshots", "--json", "--host", "monsterr-other")).toContain("2025-01-01");
        const kept = (JSON.parse(restic("snapshots", "--json", "--host", "monsterr-dev", "--tag", "monsterr")) as { time: string }[]).map((s) => new Date(s.time)).sort((a, b) => b.getTime() - a.getTime());
        const days = new Set(kept.map((t) => t.toISOString().slice(0, 10)));
        const months = new Set(kept.map((t) => t.toISOString().slice(0, 7)));
        console.log(`retention: ${kept.length} snapshots kept of ${nights.length + 2}, oldest ${kept[kept.length - 1].toISOString().slice(0, 10)}`);
        expect(kept.length).toBeLessThanOrEqual(7 + 4 + 6);
        expect(days.size).toBeGreaterThanOrEqual(7);
        expect(months.size).toBeGreaterThanOrEqual(6);
        expect(today.getTime() - kept[kept.length - 1].getTime()).toBeLessThan(200 * 86400_000);
    });

    it("the weekly check passes, and fails on a damaged repository, which node-exporter then reports", () => {
        expect(sh([path.join(bin, "backup.sh"), "check"])).toMatchObject({ code: 0 });
        expect(metrics("backup_check")).toMatch(/^monsterr_backup_check_last_status 1$/m);
        const packs = fs.readdirSync(path.join(repo, "data"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
        const pack = path.join(packs[0].parentPath ?? (packs[0] as unknown as { path: string }).path, packs[0].name);
        fs.chmodSync(pack, 0o600);
        fs.truncateSync(pack, Math.floor(fs.statSync(pack).size / 2));
        expect(sh([path.join(bin, "backup.sh"), "check"]).code).not.toBe(0);
        const m = metrics("backup_check");
        expect(m).toMatch(/^monsterr_backup_check_last_status 0$/m);
        expect(m).toMatch(/^monsterr_backup_check_last_success_timestamp_seconds \d+$/m);
    });

    it("a failed backup says so and keeps the time of the last good one", () => {
        const last = /^monsterr_backup_last_success_timestamp_seconds (\d+)$/m.exec(metrics("backup"))![1];
        fs.writeFileSync(path.join(root, "secrets/restic-password"), "the-wrong-password-now-0123456789");
        expect(sh([path.join(bin, "backup.sh"), "run"]).code).not.toBe(0);
        const m = metrics("backup");
        expect(m).toMatch(/^monsterr_backup_last_status 0$/m);
        expect(m).toContain(`monsterr_backup_last_success_timestamp_seconds ${last}\n`);
    });
});

describe("the timers", () => {
    it("are valid systemd units with valid calendars (systemd-analyze)", () => {
        requireBinary("systemd-analyze", "systemd");
        // verify runs against this machine's own systemd units; the script stands at a path of the test's own.
        const unitDir = path.join(tmp, "units");
        fs.mkdirSync(unitDir, { recursive: true });
        const script = path.join(unitDir, "backup.sh");
        fs.writeFileSync(script, scripts.backup, { mode: 0o755 });
        expect([...scripts.units.keys()].sort()).toEqual(["monsterr-backup-check.service", "monsterr-backup-check.timer", "monsterr-backup.service", "monsterr-backup.timer"]);
        for (const [name, content] of scripts.units) fs.writeFileSync(path.join(unitDir, name), content.replace(`ExecStart=${BACKUP_SCRIPT} `, `ExecStart=${script} `));
        for (const unit of scripts.units.keys()) {
            const r = childProcess.spawnSync("systemd-analyze", ["verify", "--man=no", path.join(unitDir, unit)], { encoding: "utf8" });
            expect({ unit, code: r.status, out: `${r.stdout}${r.stderr}`.trim() }).toEqual({ unit, code: 0, out: "" });
        }
        for (const calendar of [...scripts.units.values()].flatMap((u) => [...u.matchAll(/^OnCalendar=(.*)$/gm)].map((m) => m[1]))) {
            expect(childProcess.spawnSync("systemd-analyze", ["calendar", calendar]).status).toBe(0);
        }
    });
});
