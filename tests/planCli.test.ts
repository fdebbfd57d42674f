import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SEED = ["nginx-proxy-manager", "authelia", "redis", "fail2ban", "plex", "sonarr", "radarr", "lidarr", "bazarr", "qbittorrent", "nzbget", "prowlarr", "readarr", "calibre", "audiobookshelf", "prometheus", "grafana", "tautulli", "portainer", "organizr", "overseerr", "watchlist"];

describe.each(["dev", "prod"])("npm run plan -- --stack %s --out DIR", (stack) => {
    let out: string;
    let stdout: string;
    beforeAll(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), `monsterr-plan-${stack}-`));
        stdout = execFileSync("npx", ["ts-node", "--transpile-only", "scripts/plan.ts", "--stack", stack, "--out", out], { cwd: ROOT, encoding: "utf8" });
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

    it("fails with the key and the fix on a bad stack name", () => {
        expect(() => execFileSync("npx", ["ts-node", "--transpile-only", "scripts/plan.ts", "--stack", "nope"], { cwd: ROOT, encoding: "utf8", stdio: "pipe" })).toThrow(/--stack dev or --stack prod/);
    });
});
