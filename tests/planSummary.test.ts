import { MEMORY_OVERCOMMIT, summarize } from "../scripts/planSummary";
import { plan, stackConfig } from "./support/plan";

const HOST = { type: "ssh", address: "box.lan", port: 22, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJlYWwta2V5LW9mLXRoZS1ob3N0LWF0LWhvbWUtMDAw" };

describe("the plan's summary", () => {
    it("warns when the memory limits exceed the stated host memory by far, and not when they fit", async () => {
        const small = { ...HOST, memoryMb: 7936 };
        const p = await plan("prod", { host: small });
        const s = summarize(p.resources, p.outputs, stackConfig("prod", { host: small }));
        expect(s.memoryLimitMb).toBe(p.containers().reduce((n, c) => n + c.memory, 0));
        expect(s.memoryLimitMb).toBeGreaterThan(MEMORY_OVERCOMMIT * 7936);
        expect(s.warnings.filter((w) => w.includes("memory limits"))).toEqual([expect.stringContaining("services.<name>.enabled false")]);
        const big = { ...HOST, memoryMb: 32768 };
        const q = await plan("prod", { host: big });
        expect(summarize(q.resources, q.outputs, stackConfig("prod", { host: big })).warnings.filter((w) => w.includes("memory"))).toEqual([]);
    });

    it("warns about a backup on the server's own disk", async () => {
        const p = await plan("prod");
        expect(summarize(p.resources, p.outputs, stackConfig("prod")).warnings).toContainEqual(expect.stringContaining("backups go to the server's own disk"));
    });

    it("warns that alerts reach no one while no receiver is set", async () => {
        const p = await plan("prod");
        expect(summarize(p.resources, p.outputs, stackConfig("prod")).warnings).toContainEqual(expect.stringMatching(/^no alert receiver \(monsterr:alerting\): every alert.* reaches no one/));
        const email = { alerting: { email: { to: ["me@smith.family"], from: "alerts@smith.family", smarthost: "smtp.smith.family:587" } } };
        const q = await plan("prod", email);
        expect(summarize(q.resources, q.outputs, stackConfig("prod", email)).warnings.filter((w) => w.includes("alert receiver"))).toEqual([]);
    });

    it("has no example-value warning once the stack holds real values", async () => {
        const real = { domain: "media.smith.family", adminEmail: "ops@smith.family", host: HOST, backup: { repository: "sftp:backup@nas.smith.family:/srv/restic/media" }, alerting: { ntfy: { url: "https://ntfy.sh/smith-media" } } };
        const p = await plan("prod", real);
        expect(summarize(p.resources, p.outputs, stackConfig("prod", real)).warnings).toEqual([]);
    });

    it("counts the host files the plan writes, and the household in no admin credential", async () => {
        const p = await plan("prod", { users: { alice: { email: "alice@example.com" } } });
        const s = summarize(p.resources, p.outputs, stackConfig("prod"));
        expect(s.files.total).toBe(p.files.size);
        expect(s.credentials.some((c) => c.includes("alice"))).toBe(false);
    });
});

describe("a stack file with secrets set by path", () => {
    it("reads `--secret --path` values the way the CLI hands them over: the whole key a secret, each leaf a placeholder", () => {
        const { toEngineConfig, SECRET_PLACEHOLDER } = require("../scripts/stackConfig") as typeof import("../scripts/stackConfig");
        const c = toEngineConfig({ "monsterr:userPasswords": { alice: { secure: "v1:abc" } }, "monsterr:users": { alice: { email: "a@example.com" } } });
        expect(c.secretKeys).toEqual(["monsterr:userPasswords"]);
        expect(JSON.parse(c.values["monsterr:userPasswords"])).toEqual({ alice: SECRET_PLACEHOLDER });
        expect(JSON.parse(c.values["monsterr:users"])).toEqual({ alice: { email: "a@example.com" } });
    });
});
