import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateEngineConfig } from "../config/load";
import { CheckResult } from "../doctor/checks";
import { toEngineConfig } from "../scripts/stackConfig";
import { answerProblems, scriptedAsker } from "../setup/askers";
import { Asker, runSetup } from "../setup/flow";
import { Answers, Question } from "../setup/questions";
import { StackFile } from "../setup/stackFile";
import { requireBinary } from "./support/binaries";

/**
 * The setup wizard: its flow driven by scripted answers (wrong ones corrected in place, as a user at the prompt
 * would), the stack file it writes (comments kept, valid for the program), and the real terminal program under tmux.
 */
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "setup-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LOCAL: Answers = { domain: "media.home.lan", adminEmail: "me@home.lan", hostType: "local", configRoot: "/var/tmp/wz/config", dataRoot: "/var/tmp/wz/data", timezone: "Europe/Berlin", puid: "1000", pgid: "1000", tls: "selfsigned" };
const healthy = async (): Promise<CheckResult[]> => [{ check: "cpu and memory", status: "pass", detail: "8 cores, 15.5 GiB" }];

/** A user at the prompt: answers per question in order; a refused answer is followed by the next (typed again in place). */
function typing(script: Record<string, string[]>, confirms: Partial<Record<"hostKey" | "writeDespiteFailures" | "write", boolean>> = { write: true }) {
    const said: string[] = [];
    const refused: string[] = [];
    const asker: Asker = {
        async ask(q: Question, dflt: string, validate: (v: string) => string | undefined) {
            for (;;) {
                const v = script[q.id]?.length ? script[q.id].shift()! : dflt;
                const error = validate(v);
                if (!error) return v;
                refused.push(`${q.id}: ${error}`);
                if (!script[q.id]?.length) throw new Error(`no more answers for ${q.id}: ${error}`);
            }
        },
        async confirm(id) {
            return confirms[id] ?? false;
        },
        say: (t) => said.push(t),
    };
    return { asker, said, refused };
}

const valid = (text: string) => {
    const engine = toEngineConfig(new StackFile(text).config());
    return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
};

describe("setup flow (scripted)", () => {
    it("asks everything with defaults, corrects wrong answers in place, and writes a stack the program accepts", async () => {
        // The corrected answers come after the refused ones.
        const script: Record<string, string[]> = Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]]));
        script.domain = ["bad_domain", "media.example.com", "media.home.lan"];
        script.timezone = ["Mars/Olympus", "Europe/Berlin"];
        const u = typing(script);
        const r = await runSetup(u.asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(u.refused).toEqual([
            "domain: 'bad_domain' is not a domain name: letters, digits and hyphens in dot-separated labels, e.g. media.yourname.net",
            "domain: media.example.com is the example domain: use one you own, whose DNS you can point at the server",
            "timezone: 'Mars/Olympus' is not a time zone: use an IANA name, e.g. Europe/Berlin (timedatectl list-timezones)",
        ]);
        expect(r.problems).toEqual([]);
        const config = valid(r.written!);
        expect(config).toMatchObject({ domain: "media.home.lan", timezone: "Europe/Berlin", host: { kind: "local", memoryMb: 15872 }, tls: { mode: "selfsigned" } });
    });

    it("sends the user back to the question whose answer the program refuses", async () => {
        // Let's Encrypt cannot issue for a .lan domain: only the program's validation knows; tls is asked again.
        const script: Record<string, string[]> = Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]]));
        script.tls = ["letsencrypt", "selfsigned"];
        const u = typing(script);
        const r = await runSetup(u.asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(u.said.join("\n")).toContain("monsterr:tls.mode: Let's Encrypt cannot issue for 'media.home.lan'");
        expect(valid(r.written!).tls.mode).toBe("selfsigned");
    });

    it("edits an existing stack file: its comments, order and other keys stay, its values are the defaults", async () => {
        const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        const file = new StackFile(prod);
        expect(file.answers()).toMatchObject({ domain: "media.example.com", hostType: "ssh", user: "deploy", tls: "letsencrypt" });
        const u = typing({ ...Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]])), disable: ["lidarr, readarr"] });
        const r = await runSetup(u.asker, { stack: "prod", file, doctor: healthy });
        const written = r.written!;
        for (const line of prod.split("\n").filter((l) => l.startsWith("#"))) expect(written).toContain(line);
        expect(written.indexOf("monsterr:domain")).toBeLessThan(written.indexOf("monsterr:host"));
        expect(written).toContain("  monsterr:umask: \"002\"");
        expect(valid(written).services.lidarr.enabled).toBe(false);
        // A second run on what it wrote offers those answers as defaults and changes nothing.
        const again = await runSetup(typing({}).asker, { stack: "prod", file: new StackFile(written), doctor: healthy });
        expect(again.written).toBe(written);
    });

    it("writes nothing when a host check fails unless told to, nor before the summary is confirmed", async () => {
        const failing = async (): Promise<CheckResult[]> => [{ check: "ports", status: "fail", detail: "already in use: tcp:443", fix: "stop it" }];
        const script = () => Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]]));
        const stopped = await runSetup(typing(script()).asker, { stack: "wz", file: new StackFile(""), doctor: failing });
        expect(stopped).toEqual({ problems: ["ports: already in use: tcp:443 (fix: stop it)"], secretCommands: [] });
        const anyway = await runSetup(typing(script(), { writeDespiteFailures: true, write: true }).asker, { stack: "wz", file: new StackFile(""), doctor: failing });
        expect(anyway.written).toBeDefined();
        const declined = await runSetup(typing(script(), { write: false }).asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(declined.written).toBeUndefined();
    });

    it("an answers file: every problem listed at once; the scripted asker refuses instead of guessing", async () => {
        expect(answerProblems({ ...LOCAL, domain: "x", puid: "-1", colour: "blue" }, {})).toEqual([
            expect.stringMatching(/^colour: not a question of the setup/),
            expect.stringMatching(/^domain: 'x' is not a domain name/),
            expect.stringMatching(/^puid: '-1' is not a user id/),
        ]);
        expect(answerProblems(LOCAL, {})).toEqual([]);
        const r = await runSetup(scriptedAsker(LOCAL, false), { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(r.written).toBeUndefined();
    });
});

describe("npm run setup in a real terminal (tmux)", () => {
    beforeAll(() => requireBinary("tmux", "tmux"));

    const session = `monsterr-setup-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
    const screen = () => tmux("capture-pane", "-p", "-t", session).stdout;
    const type = (text: string) => tmux("send-keys", "-t", session, "-l", text);
    const key = (...keys: string[]) => tmux("send-keys", "-t", session, ...keys);
    async function waitFor(re: RegExp, ms = 30_000): Promise<string> {
        const end = Date.now() + ms;
        for (;;) {
            const s = screen();
            if (re.test(s)) return s;
            if (Date.now() > end) throw new Error(`waited for ${re} on the screen:\n${s}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    afterAll(() => tmux("kill-session", "-t", session));

    it("a bad domain is refused on the spot, fixed, and the finished stack file is the expected one", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "tty-"));
        const cmd = `cd ${ROOT} && npx ts-node --transpile-only scripts/setup.ts --stack tty --dir ${dir}; echo "setup exited $?"; sleep 600`;
        tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", cmd);
        await waitFor(/Domain the apps live under/);
        type("bad_domain");
        key("Enter");
        const refusal = await waitFor(/'bad_domain' is not a domain name/);
        console.log(`the refusal, as the terminal shows it:\n${refusal.trimEnd()}`);
        // inquirer keeps the wrong text in the field: clear it, type the right one.
        for (let i = 0; i < "bad_domain".length; i++) key("BSpace");
        type("media.home.lan");
        key("Enter");
        await waitFor(/Admin e-mail/);
        type("me@home.lan");
        key("Enter");
        await waitFor(/Where does it run\?/);
        key("Down");
        key("Enter");
        const answers: [RegExp, string][] = [
            [/Folder for the apps' own state/, "/var/tmp/tty/config"],
            [/Folder for downloads and media/, "/var/tmp/tty/data"],
            [/Time zone/, "Europe/Berlin"],
            [/User id the apps run as/, "1000"],
            [/Group id/, "1000"],
            [/Torrent port/, ""],
        ];
        for (const [prompt, value] of answers) {
            await waitFor(prompt);
            // Replace the offered default with the value (an empty value keeps the default).
            if (value) {
                key("C-a");
                key("C-k");
                for (let i = 0; i < 40; i++) key("BSpace");
                type(value);
            }
            key("Enter");
        }
        await waitFor(/Certificates/);
        key("Down");
        key("Enter");
        await waitFor(/Apps to leave out/);
        type("lidarr");
        key("Enter");
        await waitFor(/Alerts to an ntfy topic URL/);
        key("Enter");
        const s = await waitFor(/Write the settings anyway|Write Pulumi\.tty\.yaml\?/, 60_000);
        if (/Write the settings anyway/.test(s)) {
            type("y");
            key("Enter");
            await waitFor(/Write Pulumi\.tty\.yaml\?/);
        }
        key("Enter");
        const done = await waitFor(/setup exited \d+/);
        console.log(`a wizard run under tmux (the end of its screen):\n${done.trimEnd().split("\n").slice(-25).join("\n")}`);
        const written = fs.readFileSync(path.join(dir, "Pulumi.tty.yaml"), "utf8").replace(/    memoryMb: \d+\n/, "    memoryMb: <host>\n");
        expect(written).toBe(
            [
                "config:",
                "  monsterr:domain: media.home.lan",
                "  monsterr:adminEmail: me@home.lan",
                "  monsterr:host:",
                "    type: local",
                "    memoryMb: <host>",
                "  monsterr:storage:",
                "    configRoot: /var/tmp/tty/config",
                "    dataRoot: /var/tmp/tty/data",
                "  monsterr:timezone: Europe/Berlin",
                "  monsterr:puid: 1000",
                "  monsterr:pgid: 1000",
                "  monsterr:torrentPort: 51413",
                "  monsterr:tls:",
                "    mode: selfsigned",
                "  monsterr:services:",
                "    lidarr:",
                "      enabled: false",
                "",
            ].join("\n"),
        );
        expect(valid(fs.readFileSync(path.join(dir, "Pulumi.tty.yaml"), "utf8")).domain).toBe("media.home.lan");
    });

    it("refuses to prompt when stdin is not a terminal", () => {
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/setup.ts", "--stack", "x", "--dir", tmp], { cwd: ROOT, input: "", encoding: "utf8" });
        expect({ code: r.status, err: r.stderr.trim() }).toEqual({ code: 2, err: expect.stringContaining("stdin: is not a terminal, so the setup cannot ask. Fix: run it in a terminal, or give --answers FILE --yes") });
    });
});
