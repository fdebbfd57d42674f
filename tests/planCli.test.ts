import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { parseArgs } from "../scripts/plan";

const ROOT = path.resolve(__dirname, "..");
const SEED = ["nginx-proxy-manager", "authelia", "redis", "fail2ban", "plex", "sonarr", "radarr", "lidarr", "bazarr", "qbittorrent", "nzbget", "prowlarr", "readarr", "calibre", "audiobookshelf", "prometheus", "grafana", "tautulli", "portainer", "organizr", "overseerr", "watchlist"];

describe.each(["dev", "prod"])("npm run plan -- --stack %s --out DIR", (stack) => {
    let out: string;
    let stdout: string;
    beforeAll(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), `monsterr-plan-${stack}-`));
        stdout = execFileSync(process.execPath, ["-r", "./scripts/transpileCache.js", "scripts/plan.ts", "--stack", stack, "--out", out], { cwd: ROOT, encoding: "utf8" });
    });
    afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

    it("prints the tree by group and service, and a summary", () => {
        for (const g of ["Core monsterr-core", "Media monsterr-media", "Downloads monsterr-downloads", "Books monsterr-books", "Monitoring monsterr-monitoring", "UI monsterr-ui"]) expect(stdout).toContain(g);
        expect(stdout).toMatch(new RegExp(`stack ${stack}: \\d+ resources, \\d+ containers`));
    });

    it("writes resources.json with a container for every seed service and secrets as [secret]", () => {
        const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
        for (const r of resources) expect(Object.keys(r).sort()).toEqual(["inputs", "name", "parent", "type"]);
        const containers = resources.filter((r) => r.type === "docker:index/container:Container").map((r) => r.inputs.name);
        for (const s of SEED) expect(containers).toContain(s);
        const text = JSON.stringify(resources);
        expect(text).toContain('"[secret]"');
        expect(text).not.toMatch(/mocksecret/);
    });

    it("writes every host file under files/<absolute path>, secret files redacted", () => {
        const root = stack === "dev" ? "/var/tmp/monsterr-dev/config" : "/opt/monsterr";
        const redis = path.join(out, "files", root, "redis/conf/redis.conf");
        expect(fs.readFileSync(redis, "utf8")).toBe("[secret]\n");
        const secrets = fs.readdirSync(path.join(out, "files", root, "secrets"));
        expect(secrets.length).toBeGreaterThanOrEqual(10);
    });

    it("prints files by their host path, a summary, the credentials' user names and what to do next", () => {
        const root = stack === "dev" ? "/var/tmp/monsterr-dev/config" : "/opt/monsterr";
        expect(stdout).toContain(`file ${root}/authelia/configuration.yml (0440)`);
        expect(stdout).toContain(`file ${root}/secrets/npm-admin-password (0400, secret, generated once and kept on the host)`);
        expect(stdout).not.toMatch(/HostFile|-file-\d|-write\b/);
        expect(stdout).toMatch(/containers +35; memory limits add up to \d+\.\d GiB \(caps, not use\)/);
        expect(stdout).toMatch(/credentials +authelia: admin, nginxProxyManager: admin@/);
        expect(stdout).toContain("pulumi stack output adminCredentials --show-secrets");
        expect(stdout).toMatch(/\nNext:\n  1\. /);
        if (stack === "prod") {
            expect(stdout).toContain("UFW on, incoming denied but 22/tcp (sshd), 80/tcp (nginx-proxy-manager), 443/tcp (nginx-proxy-manager), 51413/tcp (qbittorrent), 51413/udp (qbittorrent), 32400/tcp (plex)");
            expect(stdout).toContain("32400/tcp (plex, host network)");
            expect(stdout).toContain("! monsterr:domain is still the example value media.example.com");
            expect(stdout).toContain("! monsterr:host.hostKey is the demo key");
        } else {
            expect(stdout).toContain("firewall        left alone");
            // The dev CA exists only once `up` made it: the plan's placeholder PEM is never printed as one.
            expect(stdout).not.toContain("BEGIN CERTIFICATE");
            expect(stdout).toContain("pulumi stack output devCaCertificate > monsterr-dev-ca.pem");
        }
    });
});

describe("calling the plan wrong", () => {
    const call = (args: string[]) => {
        try {
            execFileSync(process.execPath, ["-r", "./scripts/transpileCache.js", "scripts/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
            return { code: 0, stderr: "" };
        } catch (e) {
            const err = e as { status: number; stderr: string };
            return { code: err.status, stderr: err.stderr };
        }
    };

    it.each([
        ["an unknown stack", ["--stack", "nope"], /^no stack 'nope': there is no Pulumi\.nope\.yaml; stacks here: dev, prod, split\n$/],
        ["npm run plan without --", ["dev"], /^unexpected argument 'dev'; npm needs -- before the plan's own arguments: npm run plan -- --stack dev\. usage: /],
        ["no stack", [], /^which stack\? usage: npm run plan -- --stack <name> \[--out DIR\] \(stacks here: dev, prod, split\)\n$/],
        ["--out without a value", ["--stack", "dev", "--out"], /^--out needs a value\. usage: /],
    ])("%s: one line naming the fix, exit 2, no stack trace", (_what, args, message) => {
        const r = call(args);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });

    it("takes --stack=NAME as well", () => {
        expect(parseArgs(["--stack=dev", "--out=x"])).toEqual({ stack: "dev", out: "x" });
    });
});
