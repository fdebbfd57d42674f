import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DATA_TREE } from "../components/host";
import { plan, reveal } from "./support/plan";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";

function sh(script: string, stdin = ""): string {
    return execFileSync("/bin/sh", ["-c", script], { input: stdin, encoding: "utf8" });
}

describe("host connection", () => {
    it("pins the host key for both the Docker provider and remote commands, and uses sudo for a non-root login", async () => {
        const p = await plan("prod");
        const provider = reveal(p.byType("pulumi:providers:docker")[0].inputs) as Record<string, any>;
        expect(provider.host).toBe("ssh://deploy@media.example.com:22");
        // Provider inputs reach the engine JSON-encoded.
        const opts = JSON.parse(provider.sshOpts);
        expect(opts).toEqual(expect.arrayContaining(["StrictHostKeyChecking=yes", `KnownHostsCommand=/bin/echo %H ${HOST_KEY}`, "BatchMode=yes"]));
        const commands = p.byType("command:remote:Command").map((r) => reveal(r.inputs) as Record<string, any>);
        expect(commands.length).toBeGreaterThan(10);
        for (const c of commands) {
            expect(c.connection).toMatchObject({ host: "media.example.com", port: 22, user: "deploy", hostKey: HOST_KEY });
            expect(c.create).toMatch(/^sudo -n sh -c '/);
            expect(c.logging).toBe("stderr");
        }
        expect(p.byType("command:local:Command")).toEqual([]);
    });

    it("runs the dev stack's commands locally without sudo", async () => {
        const p = await plan("dev");
        expect(p.byType("command:remote:Command")).toEqual([]);
        for (const r of p.byType("command:local:Command")) expect(String(reveal(r.inputs.create))).not.toMatch(/^sudo/);
        expect(reveal(p.byType("pulumi:providers:docker")[0].inputs)).toMatchObject({ host: "unix:///var/run/docker.sock" });
    });
});

describe("host scripts, executed for real in a scratch directory", () => {
    let root: string;
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-host-"))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const devPlan = () => plan("dev", { storage: { configRoot: `${root}/config`, dataRoot: `${root}/data` } });

    it("creates the TRaSH data tree and every app folder, idempotently", async () => {
        const p = await devPlan();
        const dirs = p.byType("command:local:Command").find((r) => r.name === "monsterr-host-directories")!;
        const script = String(reveal(dirs.inputs.create));
        sh(script);
        sh(script);
        for (const d of DATA_TREE) expect(fs.statSync(`${root}/data/${d}`).isDirectory()).toBe(true);
        expect(fs.statSync(`${root}/data/media/tv`).mode & 0o7777).toBe(0o2775);
        expect(fs.statSync(`${root}/config/secrets`).mode & 0o777).toBe(0o750);
        expect(fs.existsSync(`${root}/config/sonarr`)).toBe(true);
        // Volume sources exist before Docker would create them as root.
        for (const d of ["prometheus/data", "prometheus/etc", "grafana/data", "redis/data", "nginx-proxy-manager/data/logs", "authelia/logs"]) {
            expect(fs.statSync(`${root}/config/${d}`).isDirectory()).toBe(true);
        }
        expect(dirs.inputs.delete).toBeUndefined();
    });

    it("writes each file atomically with its mode, rewrites it unchanged on re-apply, and removes it on delete", async () => {
        const p = await devPlan();
        const write = p.byType("command:local:Command").find((r) => r.name.endsWith("redis-file-0-write"))!;
        const create = String(reveal(write.inputs.create));
        const content = String(reveal(write.inputs.stdin));
        const target = `${root}/config/redis/conf/redis.conf`;
        sh(create, content);
        expect(fs.readFileSync(target, "utf8")).toBe(content);
        expect(fs.statSync(target).mode & 0o777).toBe(0o440);
        sh(create, content);
        expect(fs.readdirSync(path.dirname(target))).toEqual(["redis.conf"]);
        // Atomic: the new content arrives under a new inode by rename, so a reader holding the old file (here a
        // hard link; for an app, an open descriptor) never sees a half-written one.
        fs.linkSync(target, `${root}/old-redis.conf`);
        sh(create, `${content}# changed\n`);
        expect(fs.readFileSync(`${root}/old-redis.conf`, "utf8")).toBe(content);
        expect(fs.readFileSync(target, "utf8")).toBe(`${content}# changed\n`);
        expect(fs.statSync(target).ino).not.toBe(fs.statSync(`${root}/old-redis.conf`).ino);
        sh(String(reveal(write.inputs.delete)));
        expect(fs.existsSync(target)).toBe(false);
    });
});
