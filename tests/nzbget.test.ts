import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { NZBGET_CATEGORIES, NZBGET_USER } from "../components/files/nzbget";
import { spec } from "../config/catalog";
import { freePort, requireBinary } from "./support/binaries";
import { isSecret, plan } from "./support/plan";

const CONF = "/opt/monsterr/nzbget/nzbget.conf";

/** A JSON-RPC GET from a chosen local address (127.0.0.1 is NZBGet's AuthorizedIP, 127.0.0.2 is "anyone else"). */
function rpc(port: number, method: string, from: string, auth?: [string, string]): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
        const req = http.get(
            { host: "127.0.0.1", port, path: `/jsonrpc/${method}`, localAddress: from, ...(auth ? { auth: auth.join(":") } : {}) },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString();
                    resolve({ status: res.statusCode ?? 0, body: text.startsWith("{") ? JSON.parse(text) : text });
                });
            },
        );
        req.on("error", reject);
    });
}

/**
 * Debian's real nzbget (21.0; the catalog pins v26.2, whose auth and category code is unchanged since v21) started
 * the way the linuxserver image starts it (svc-nzbget/run: `-c /config/nzbget.conf -o OutputMode=log -o
 * ControlUsername=$NZBGET_USER -o ControlPassword=$NZBGET_PASS`) on the seeded nzbget.conf, in a mount namespace
 * whose /config and /data are empty tmpfs trees, so the paths it checks are the ones the container sees.
 * Only the image's own install paths (web UI, template, port) are pointed at Debian's.
 */
describe("nzbget.conf, loaded by the real nzbget", () => {
    const nzbget = requireBinary("nzbget", "nzbget");
    const created: string[] = [];
    let proc: ChildProcess | undefined;
    let port = 0;
    let log = "";
    let conf = "";
    let password = "";

    beforeAll(async () => {
        const p = await plan("prod");
        conf = p.files.get(CONF)!;
        password = p.files.get("/opt/monsterr/secrets/nzbget-password")!;
        port = await freePort();
        for (const dir of ["/data", "/config"]) {
            if (!fs.existsSync(dir)) {
                fs.mkdirSync(dir);
                created.push(dir);
            }
        }
        const staged = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-nzbget-"));
        fs.writeFileSync(path.join(staged, "nzbget.conf"), conf, { mode: 0o600 });
        const script = [
            "set -e",
            "mount -t tmpfs tmpfs /config && mount -t tmpfs tmpfs /data",
            // What the program's host preparation creates: the usenet side of the data tree.
            "mkdir -p /data/usenet/incomplete /data/usenet/complete",
            `cp ${staged}/nzbget.conf /config/nzbget.conf && rm -rf ${staged}`,
            // Debian ships NZBGet's option template compressed; the image's sits beside its web UI.
            "zcat /usr/share/doc/nzbget/examples/nzbget.conf.gz >/config/.template.conf",
            `exec ${nzbget} -s -c /config/nzbget.conf -o OutputMode=log -o ControlUsername=${NZBGET_USER} -o ControlPassword="$NZBGET_PASS" ` +
                `-o ControlPort=${port} -o WebDir=/usr/share/nzbget/webui -o ConfigTemplate=/config/.template.conf -o CertStore=/etc/ssl/certs/ca-certificates.crt`,
        ].join("\n");
        proc = spawn("unshare", ["--mount", "--propagation", "private", "sh", "-c", script], { env: { ...process.env, NZBGET_PASS: password }, stdio: ["ignore", "pipe", "pipe"] });
        proc.stdout!.on("data", (c: Buffer) => (log += c.toString()));
        proc.stderr!.on("data", (c: Buffer) => (log += c.toString()));
        for (let i = 0; i < 100; i++) {
            const up = await rpc(port, "version", "127.0.0.1").then(() => true, () => false);
            if (up) break;
            await new Promise((r) => setTimeout(r, 100));
        }
    });

    afterAll(async () => {
        proc?.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 300));
        for (const dir of created) fs.rmdirSync(dir);
    });

    it("is seeded once, as a secret (it holds the control password)", async () => {
        const p = await plan("prod");
        const write = p.resources.find((r) => r.type === "command:remote:Command" && String(r.inputs.create).includes(CONF))!;
        expect(write.inputs.create).toContain('if [ -e "$p" ]');
        expect(isSecret(write.inputs.stdin)).toBe(true);
        expect(conf).not.toMatch(/tegbzn6789/);
    });

    it("loads without a configuration error, downloads into the data tree, one category per library folder", async () => {
        // NZBGet reports a bad option as `nzbget.conf(<line>): ...` and keeps running: none may appear.
        expect(log).not.toMatch(/nzbget\.conf\(\d+\)|\[ERROR\]/);
        const options = Object.fromEntries(((await rpc(port, "config", "127.0.0.1")).body.result as { Name: string; Value: string }[]).map((o) => [o.Name, o.Value]));
        expect(options).toMatchObject({ MainDir: "/config", DestDir: "/data/usenet/complete", InterDir: "/data/usenet/incomplete", AuthorizedIP: "127.0.0.1" });
        const categories = NZBGET_CATEGORIES.map((_, i) => [options[`Category${i + 1}.Name`], options[`Category${i + 1}.DestDir`]]);
        expect(categories).toEqual([
            ["tv", "/data/usenet/complete/tv"],
            ["movies", "/data/usenet/complete/movies"],
            ["music", "/data/usenet/complete/music"],
            ["books", "/data/usenet/complete/books"],
        ]);
        expect(options["Category5.Name"]).toBeUndefined();
    });

    it("answers the container's healthcheck (127.0.0.1, no password) and asks anyone else for the generated login", async () => {
        const test = spec("nzbget").healthcheck;
        if (!("test" in test)) throw new Error("nzbget must have a catalog healthcheck");
        const [, cmd, ...args] = test.test;
        const hc = spawnSync(cmd, args.map((a) => a.replace("localhost:6789", `127.0.0.1:${port}`)), { encoding: "utf8" });
        expect({ status: hc.status, stderr: hc.stderr }).toEqual({ status: 0, stderr: "" });
        expect((await rpc(port, "version", "127.0.0.2")).status).toBe(401);
        expect((await rpc(port, "version", "127.0.0.2", ["nzbget", "tegbzn6789"])).status).toBe(401);
        expect((await rpc(port, "version", "127.0.0.2", [NZBGET_USER, password])).status).toBe(200);
    });
});
