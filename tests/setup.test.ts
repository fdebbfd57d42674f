import { spawnSync, SpawnSyncOptions } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateEngineConfig } from "../config/load";
import { CheckResult } from "../doctor/checks";
import { toEngineConfig } from "../scripts/stackConfig";
import { answerProblems, scriptedAsker } from "../setup/askers";
import { Asker, edgeMemoryMb, questionFor, runSetup } from "../setup/flow";
import { setSecrets } from "../setup/secrets";
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
            "domain: 'bad_domain' is not a lower-case DNS name with at least two labels: use a name such as media.example.com (or media.localhost for dev)",
            "domain: media.example.com is the example domain: use one you own, whose DNS you can point at the server",
            "timezone: 'Mars/Olympus' is not an IANA time zone: use a name such as Europe/Berlin or Etc/UTC",
        ]);
        expect(r.problems).toEqual([]);
        const config = valid(r.written!);
        expect(config).toMatchObject({ domain: "media.home.lan", timezone: "Europe/Berlin", host: { kind: "local", memoryMb: 15872 }, tls: { mode: "selfsigned" } });
    });

    it("says loudly that alerts reach no one when no receiver is given, and nothing when one is", async () => {
        const script = (): Record<string, string[]> => Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]]));
        const none = typing(script());
        await runSetup(none.asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(none.said.join("\n")).toMatch(/Warning: no alert receiver \(monsterr:alerting\): every alert.* reaches no one/);
        const ntfy = typing({ ...script(), ntfyUrl: ["https://ntfy.sh/home-media"] });
        await runSetup(ntfy.asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(ntfy.said.join("\n")).not.toContain("no alert receiver");
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
            expect.stringMatching(/^domain: 'x' is not a lower-case DNS name/),
            expect.stringMatching(/^puid: '-1' is not a non-root numeric id/),
        ]);
        expect(answerProblems(LOCAL, {})).toEqual([]);
        const r = await runSetup(scriptedAsker(LOCAL, false), { stack: "wz", file: new StackFile(""), doctor: healthy });
        expect(r.written).toBeUndefined();
    });
});

describe("setup questions from the declared settings", () => {
    it("DNS-01 and a VPN: their settings written, the secrets they need left to pulumi config set, the stack valid once they are set", async () => {
        const script: Record<string, string[]> = Object.fromEntries(Object.entries(LOCAL).map(([k, v]) => [k, [v]]));
        Object.assign(script, { domain: ["media.yourname.net"], tls: ["letsencrypt"], challenge: ["dns"], dnsProvider: ["hetzner_cloud", "hetzner-cloud"], vpnProvider: ["pia"], vpnType: ["wireguard", "openvpn"] });
        const u = typing(script);
        const r = await runSetup(u.asker, { stack: "wz", file: new StackFile(""), doctor: healthy });
        // Refused in place: an id NPM does not know, and WireGuard with a provider gluetun speaks only OpenVPN with.
        expect(u.refused).toEqual([expect.stringMatching(/^dnsProvider: 'hetzner_cloud' is not a DNS provider Nginx Proxy Manager 2.15.1 knows/), expect.stringMatching(/^vpnType: gluetun speaks WireGuard with .* only: choose openvpn/)]);
        expect(r.secrets).toEqual([
            { key: "dnsCredentials", what: expect.stringContaining("hetzner-cloud API credentials") },
            { key: "vpnOpenvpnUser", what: expect.any(String) },
            { key: "vpnOpenvpnPassword", what: expect.any(String) },
        ]);
        expect(r.secretCommands.slice(0, 3)).toEqual([
            expect.stringMatching(/^pulumi config set --stack wz --secret monsterr:dnsCredentials +#/),
            expect.stringMatching(/^pulumi config set --stack wz --secret monsterr:vpnOpenvpnUser +#/),
            expect.stringMatching(/^pulumi config set --stack wz --secret monsterr:vpnOpenvpnPassword +#/),
        ]);
        expect(r.written).not.toMatch(/secure|pending/);
        const engine = toEngineConfig({ ...new StackFile(r.written!).config(), ...Object.fromEntries(r.secrets!.map((x) => [`monsterr:${x.key}`, { secure: "v1:x" }])) });
        const c = validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
        expect(c.tls).toEqual({ mode: "letsencrypt", challenge: "dns", dnsProvider: "hetzner-cloud" });
        expect(c.vpn).toMatchObject({ enabled: true, provider: "private internet access", type: "openvpn" });
        // Without the secrets the program refuses the stack, naming them.
        const bare = toEngineConfig(new StackFile(r.written!).config());
        expect(() => validateEngineConfig(bare.values, () => false)).toThrow(/dnsCredentials: is required[\s\S]*vpnOpenvpnUser/);
    });

    it("a secret already in the file is not asked for again; answering no VPN removes the VPN section", async () => {
        const existing = ["config:", "  monsterr:tls:", "    mode: letsencrypt", "    challenge: dns", "    dnsProvider: cloudflare", "  monsterr:dnsCredentials:", "    secure: v1:abc", "  monsterr:vpn:", "    provider: mullvad", "    wireguardAddresses: 10.64.222.21/32", ""].join("\n");
        const script: Record<string, string[]> = Object.fromEntries(Object.entries({ ...LOCAL, domain: "media.yourname.net", tls: "letsencrypt" }).map(([k, v]) => [k, [v]]));
        script.vpnProvider = [""];
        const r = await runSetup(typing(script).asker, { stack: "wz", file: new StackFile(existing), doctor: healthy });
        expect(r.secrets).toEqual([]);
        expect(r.written).toContain("monsterr:dnsCredentials:\n    secure: v1:abc");
        expect(r.written).not.toContain("monsterr:vpn");
    });

    it.each([
        ["monsterr:host.sshdPort", "port"],
        ["monsterr:storage", "configRoot"],
        ["monsterr:storage.dataRoot", "dataRoot"],
        ["monsterr:services.plex.enabled", "disable"],
        ["monsterr:vpn.type", "vpnType"],
        ["monsterr:vpn.serverCountries", "vpnProvider"],
        ["monsterr:alerting.ntfy.url", "ntfyUrl"],
        ["monsterr:tls.mode", "tls"],
    ])("a refusal of %s sends the user back to %s", (key, id) => {
        expect(questionFor(key)?.id).toBe(id);
    });

    it("sets secrets through the Pulumi CLI with the value on its stdin, never on its command line", () => {
        const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
        const log = path.join(bin, "calls");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$PWD $*" >> ${log}\nread v; echo "stdin=$v" >> ${log}\n`, { mode: 0o755 });
        const run = ((cmd: string, args: string[], opts: SpawnSyncOptions) => spawnSync(cmd, args, { ...opts, stdio: "pipe", input: "s3cr3t-value\n", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } })) as unknown as typeof spawnSync;
        const out = setSecrets("wz", ["dnsCredentials", "vpnWireguardPrivateKey"], tmp, run);
        expect(out.map((o) => o.set)).toEqual([true, true]);
        expect(fs.readFileSync(log, "utf8").split("\n")).toEqual([`${tmp} config set --stack wz --secret monsterr:dnsCredentials`, "stdin=s3cr3t-value", `${tmp} config set --stack wz --secret monsterr:vpnWireguardPrivateKey`, "stdin=s3cr3t-value", ""]);
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
        const cmd = `cd ${ROOT} && node -r ./scripts/transpileCache.js scripts/setup.ts --stack tty --dir ${dir}; echo "setup exited $?"; sleep 600`;
        tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", cmd);
        await waitFor(/Domain the apps live under/);
        type("bad_domain");
        key("Enter");
        const refusal = await waitFor(/'bad_domain' is not a lower-case DNS name/);
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
        await waitFor(/Send torrents through a VPN\?/);
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
                "  monsterr:torrentPort: 6881",
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
        const r = spawnSync(process.execPath, ["-r", "./scripts/transpileCache.js", "scripts/setup.ts", "--stack", "x", "--dir", tmp], { cwd: ROOT, input: "", encoding: "utf8" });
        expect({ code: r.status, err: r.stderr.trim() }).toEqual({ code: 2, err: expect.stringContaining("stdin: is not a terminal, so the setup cannot ask. Fix: run it in a terminal, or give --answers FILE --yes") });
    });
});

describe("what the setup learns from the doctor", () => {
    it("takes host.memoryMb from the edge host's check, never another host's", () => {
        expect(edgeMemoryMb([{ check: "cpu and memory", status: "pass", detail: "8 cores, 15.5 GiB" }])).toBe(15872);
        const two: CheckResult[] = [
            { check: "cpu and memory", host: "feeder", status: "pass", detail: "4 cores, 3.8 GiB" },
            { check: "cpu and memory", host: "edge", status: "pass", detail: "8 cores, 15.5 GiB" },
        ];
        expect(edgeMemoryMb(two)).toBe(15872);
        expect(edgeMemoryMb([two[0]])).toBeUndefined();
    });
});
