import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort, requireBinary } from "./support/binaries";
import { plan } from "./support/plan";
import { spec } from "../config/catalog";

describe("generated redis.conf, loaded by the real redis-server", () => {
    const server = requireBinary("redis-server", "redis-server");
    const cli = requireBinary("redis-cli", "redis-tools");
    let dir: string;
    let proc: ChildProcess | undefined;
    afterEach(() => {
        proc?.kill("SIGKILL");
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("starts, requires the generated password, and refuses dangerous commands", async () => {
        const p = await plan("prod");
        const conf = p.files.get("/opt/monsterr/redis/conf/redis.conf")!;
        expect(conf).toBeDefined();
        const password = /^requirepass (\S+)$/m.exec(conf)![1];
        expect(p.generatedSecrets).toContain(password);

        dir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-redis-"));
        fs.writeFileSync(path.join(dir, "redis.conf"), conf);
        const port = await freePort();
        // Only the listening address and data dir differ from production (command-line arguments override the file).
        proc = spawn(server, [path.join(dir, "redis.conf"), "--port", String(port), "--bind", "127.0.0.1", "--dir", dir], { stdio: "pipe" });
        const redis = (...args: string[]) => execFileSync(cli, ["-p", String(port), "--no-auth-warning", ...args], { encoding: "utf8" }).trim();
        for (let i = 0; i < 50; i++) {
            try {
                if (redis("-a", password, "ping") === "PONG") break;
            } catch {
                /* not listening yet */
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        expect(redis("-a", password, "ping")).toBe("PONG");
        expect(redis("ping")).toMatch(/NOAUTH/);
        expect(redis("-a", "wrong-password", "ping")).toMatch(/NOAUTH/);
        // The container's healthcheck, pointed at this server: it authenticates from the secret file, not argv.
        const check = (spec("redis").healthcheck as { test: string[] }).test[1];
        expect(check).not.toMatch(/ -a /);
        const secretFile = path.join(dir, "redis-password");
        fs.writeFileSync(secretFile, password);
        const probe = check.replace("/run/secrets/redis-password", secretFile).replace("redis-cli ping", `${cli} -p ${port} ping`);
        expect(execFileSync("sh", ["-c", `${probe} && echo healthy`], { encoding: "utf8" }).trim()).toBe("healthy");
        fs.writeFileSync(secretFile, "wrong-password");
        expect(() => execFileSync("sh", ["-c", probe], { stdio: "pipe" })).toThrow();
        expect(redis("-a", password, "flushall")).toMatch(/unknown command/i);
        expect(redis("-a", password, "config", "get", "requirepass")).toMatch(/unknown command/i);
    });
});
