import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../config/catalog";
import { PINNED_METRIC, UPDATE_METRIC, diunImages, notifyScript, pinnedInfo, startScript } from "../components/files/diun";
import { requireBinary } from "./support/binaries";
import { plan } from "./support/plan";

/**
 * The update notifier: Diun (crazymax/diun 4.33.0) watches the catalog's pins from a file, never the Docker socket, and
 * its notify script keeps when each newer tag was first seen for node-exporter. The scripts run here in dash and in
 * busybox's own applets (the Alpine userland of the image), their output read by promtool.
 */
const CONFIG_ROOT = "/opt/monsterr";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "diun-"));
let busyboxBin = "";

beforeAll(() => {
    requireBinary("promtool", "prometheus");
    const busybox = requireBinary("busybox", "busybox");
    busyboxBin = path.join(tmp, "busybox-bin");
    fs.mkdirSync(busyboxBin);
    execFileSync(busybox, ["--install", "-s", busyboxBin]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs a script as Diun would (no shell of its own, DIUN_ENTRY_* set), in dash or in busybox alone. */
function run(shell: "dash" | "busybox", script: string, env: Record<string, string>, args: string[] = []) {
    const file = path.join(tmp, `script-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script);
    const PATH = shell === "busybox" ? busyboxBin : process.env.PATH!;
    const sh = shell === "busybox" ? path.join(busyboxBin, "sh") : "/bin/dash";
    return spawnSync(sh, [file, ...args], { env: { PATH, ...env }, encoding: "utf8" });
}

const entry = (image: string, pinned: string, seen: string, digest = "sha256:" + "a".repeat(64)) => ({
    DIUN_ENTRY_STATUS: "new",
    DIUN_ENTRY_PROVIDER: "file",
    DIUN_ENTRY_IMAGE: seen,
    DIUN_ENTRY_DIGEST: digest,
    DIUN_ENTRY_METADATA_IMAGE: image,
    DIUN_ENTRY_METADATA_PINNED: pinned,
});

function lines(file: string): string[] {
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
}

function promtoolAccepts(file: string): void {
    const r = spawnSync("promtool", ["check", "metrics"], { input: fs.readFileSync(file), encoding: "utf8" });
    expect({ file: path.basename(file), code: r.status, out: r.stdout + r.stderr }).toEqual({ file: path.basename(file), code: 0, out: "" });
}

describe.each(["dash", "busybox"] as const)("Diun's notify script in %s", (shell) => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(tmp, "textfile-"));
    });
    const script = () => notifyScript(dir);
    const sonarrFile = () => path.join(dir, "monsterr_update_lscr_io_linuxserver_sonarr.prom");

    it("records each newer tag once, keeps when it was first seen, and writes what node-exporter reads", () => {
        const pin = "4.0.19.2979-ls316";
        let r = run(shell, script(), entry("lscr.io/linuxserver/sonarr", pin, "lscr.io/linuxserver/sonarr:4.0.19.2979-ls317"));
        expect(r.status).toBe(0);
        const first = lines(sonarrFile());
        expect(first).toEqual([expect.stringMatching(new RegExp(`^${UPDATE_METRIC}\\{image="lscr.io/linuxserver/sonarr",pinned="${pin}",tag="4.0.19.2979-ls317"\\} \\d{10}$`))]);
        // Seen again after a fresh first check: the earlier time stays. A second newer tag gets its own line.
        fs.writeFileSync(sonarrFile(), fs.readFileSync(sonarrFile(), "utf8").replace(/ \d{10}$/m, " 1700000000"));
        run(shell, script(), entry("lscr.io/linuxserver/sonarr", pin, "lscr.io/linuxserver/sonarr:4.0.19.2979-ls317"));
        r = run(shell, script(), entry("lscr.io/linuxserver/sonarr", pin, "lscr.io/linuxserver/sonarr:4.0.20.3001-ls318"));
        expect(r.status).toBe(0);
        const after = lines(sonarrFile());
        expect(after).toHaveLength(2);
        expect(after[0]).toBe(`${UPDATE_METRIC}{image="lscr.io/linuxserver/sonarr",pinned="${pin}",tag="4.0.19.2979-ls317"} 1700000000`);
        expect(after[1]).toMatch(/tag="4.0.20.3001-ls318"\} \d{10}$/);
        promtoolAccepts(sonarrFile());
        expect((fs.statSync(sonarrFile()).mode & 0o777).toString(8)).toBe("644");
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
    });

    it("drops what it saw for an older pin once the pin moves on", () => {
        run(shell, script(), entry("lscr.io/linuxserver/sonarr", "4.0.19.2979-ls316", "lscr.io/linuxserver/sonarr:4.0.20.3001-ls318"));
        run(shell, script(), entry("lscr.io/linuxserver/sonarr", "4.0.20.3001-ls318", "lscr.io/linuxserver/sonarr:4.0.21.3100-ls320"));
        expect(lines(sonarrFile())).toEqual([expect.stringContaining('pinned="4.0.20.3001-ls318",tag="4.0.21.3100-ls320"}')]);
    });

    it("a digest pin: nothing while the tracked tag's digest is the pinned one, a line once it moves", () => {
        const pinned = "sha256:" + "1".repeat(64);
        const moved = "sha256:" + "2".repeat(64);
        const file = path.join(dir, "monsterr_update_organizr_organizr.prom");
        expect(run(shell, script(), entry("organizr/organizr", pinned, "docker.io/organizr/organizr:latest", pinned)).status).toBe(0);
        expect(fs.existsSync(file)).toBe(false);
        expect(run(shell, script(), entry("organizr/organizr", pinned, "docker.io/organizr/organizr:latest", moved)).status).toBe(0);
        expect(lines(file)).toEqual([expect.stringContaining(`pinned="${pinned}",tag="${moved}"}`)]);
        promtoolAccepts(file);
    });

    it("refuses a tag that would break out of its label, and writes nothing", () => {
        const r = run(shell, script(), entry("redis", "7.4.11-alpine", 'docker.io/library/redis:7"} 1\nmonsterr_backup_last_status 1 #'));
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("unexpected characters");
        expect(fs.readdirSync(dir)).toEqual([]);
    });

    it("start.sh keeps only the current image list's database and runs Diun with it", () => {
        const data = fs.mkdtempSync(path.join(tmp, "data-"));
        for (const f of ["diun-aaaaaaaaaaaa.db", "diun-bbbbbbbbbbbb.db", "other.db"]) fs.writeFileSync(path.join(data, f), "x");
        const r = run(shell, startScript("diun-bbbbbbbbbbbb.db", data), {}, ["sh", "-c", 'echo "$DIUN_DB_PATH"']);
        expect({ code: r.status, out: r.stdout.trim() }).toEqual({ code: 0, out: `${data}/diun-bbbbbbbbbbbb.db` });
        expect(fs.readdirSync(data).sort()).toEqual(["diun-bbbbbbbbbbbb.db", "other.db"]);
        // A first start, no database yet: the glob matches nothing and nothing fails.
        const empty = fs.mkdtempSync(path.join(tmp, "data-"));
        expect(run(shell, startScript("diun-cccccccccccc.db", empty), {}, ["true"]).status).toBe(0);
    });
});

describe("what Diun watches", () => {
    const pins = CATALOG.map((s) => ({ name: s.name, image: s.image }));
    const pin = (name: string) => pins.find((p) => p.name === name)!;

    it("every pinned image once; tags by the versioning regex, which the pin itself never matches; digest pins by their tag", () => {
        const images = diunImages(pins);
        const distinct = new Set(CATALOG.map((s) => `${s.image.repository}:${s.image.tag}`));
        expect(images).toHaveLength(distinct.size);
        for (const i of images) {
            if (i.metadata.pinned.startsWith("sha256:")) {
                expect(i).toEqual({ name: `${i.metadata.image}:latest`, watch_repo: false, notify_on: ["new", "update"], metadata: i.metadata });
                continue;
            }
            expect(i).toMatchObject({ name: `${i.metadata.image}:${i.metadata.pinned}`, watch_repo: true, notify_on: ["new"] });
            const [pattern] = i.include_tags!;
            expect(new RegExp(pattern).test(i.metadata.pinned)).toBe(false);
            // Diun matches unanchored (internal/matcher): the pattern anchors itself, in the RE2 subset only.
            expect(pattern).toMatch(/^\^\(\?:.*\)\$$/);
            expect(pattern.replace(/\(\?:|\\d|\\\.|\{\d+,?\}|\[\d-9\]|[|()^$]|[A-Za-z0-9_.-]|\[0-9a-f\]|\+/g, "")).toBe("");
        }
    });

    it("the pins node-exporter publishes name every service that runs each image", () => {
        const text = pinnedInfo(["sonarr", "exportarr-sonarr", "exportarr-radarr"].map(pin));
        const file = path.join(tmp, "pins.prom");
        fs.writeFileSync(file, text);
        promtoolAccepts(file);
        expect(text.split("\n").filter((l) => l.startsWith(PINNED_METRIC))).toEqual([
            expect.stringMatching(/^monsterr_image_pinned_info\{image="lscr.io\/linuxserver\/sonarr",pinned="[^"]+",services="sonarr"\} 1$/),
            expect.stringMatching(/^monsterr_image_pinned_info\{image="ghcr.io\/onedr0p\/exportarr",pinned="[^"]+",services="exportarr-sonarr,exportarr-radarr"\} 1$/),
        ]);
    });

    it("the prod plan runs Diun without the Docker socket, a published port or a reachable API, and with its files", async () => {
        const prod = await plan("prod");
        const c = prod.container("diun")!;
        expect(prod.byType("docker:index/remoteImage:RemoteImage").filter((r) => r.name.endsWith("diun-image")).map((r) => r.inputs.name)).toEqual(["crazymax/diun:4.33.0"]);
        expect(JSON.stringify(c.volumes)).not.toContain("docker.sock");
        expect(c.ports ?? []).toEqual([]);
        expect(c.envs).toContain("GRPC_AUTHORITY=127.0.0.1:42286");
        expect(c.entrypoints).toEqual(["/bin/sh", "/etc/diun/start.sh"]);
        const volumes = (c.volumes as { hostPath: string; containerPath: string; readOnly?: boolean }[]).map((v) => `${v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
        expect(volumes.sort()).toEqual([`${CONFIG_ROOT}/diun/data:/data`, `${CONFIG_ROOT}/diun/etc:/etc/diun:ro`, `${CONFIG_ROOT}/node-exporter/textfile:/textfile`]);
        const config = yaml.load(prod.files.get(`${CONFIG_ROOT}/diun/etc/diun.yml`)!) as Record<string, any>;
        expect(config).toEqual({
            watch: { workers: 1, schedule: "17 */6 * * *", firstCheckNotif: true, runOnStartup: true, compareDigest: true },
            notif: { script: { cmd: "/bin/sh", args: ["/etc/diun/notify.sh"] } },
            providers: { file: { filename: "/etc/diun/images.yml" } },
        });
        const watched = (yaml.load(prod.files.get(`${CONFIG_ROOT}/diun/etc/images.yml`)!) as { metadata: { image: string } }[]).map((i) => i.metadata.image);
        expect(watched).toContain("authelia/authelia");
        expect(watched).toContain("crazymax/diun");
        expect(prod.files.get(`${CONFIG_ROOT}/node-exporter/textfile/monsterr_images.prom`)).toContain('image="crazymax/diun",pinned="4.33.0",services="diun"');
        expect(prod.files.has(`${CONFIG_ROOT}/prometheus/etc/rules/updates.yml`)).toBe(true);
    });

    it("watches the tag a stack holds an app at, and refuses a held tag no versioning can order", async () => {
        const held = await plan("prod", { services: { sonarr: { tag: "4.0.18.2900-ls300" } } });
        const sonarr = (yaml.load(held.files.get(`${CONFIG_ROOT}/diun/etc/images.yml`)!) as { name: string }[]).filter((i) => i.name.includes("sonarr"));
        expect(sonarr.map((i) => i.name)).toEqual(["lscr.io/linuxserver/sonarr:4.0.18.2900-ls300"]);
        expect(held.files.get(`${CONFIG_ROOT}/node-exporter/textfile/monsterr_images.prom`)).toContain('pinned="4.0.18.2900-ls300",services="sonarr"');
        await expect(plan("prod", { services: { sonarr: { tag: "develop" } } })).rejects.toThrow(/services\.sonarr\.tag: 'develop' is not shaped like sonarr's version tags.*pin a tag shaped like 4\.0\.19\.2979-ls316, or a sha256: digest/s);
    });

    it("goes with Prometheus: a stack without it has no notifier and no update rules", async () => {
        const p = await plan("prod", { services: { prometheus: { enabled: false } } });
        expect(p.container("diun")).toBeUndefined();
    });
});
