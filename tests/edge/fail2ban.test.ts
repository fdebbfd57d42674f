import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FAIL2BAN_START, serializeIni } from "../../components/files/fail2ban";
import { hostPath } from "../../components/service";
import { CATALOG, spec } from "../../config/catalog";
import { runProgram } from "../support/binaries";
import { Plan, plan, reveal } from "../support/plan";

/** Real fail2ban programs (Debian's fail2ban package) on the files the program generates. */
const LOGS = path.join(__dirname, "..", "fixtures", "logs");

/** The generated fail2ban files of a plan, relative to the container's /data. */
function f2bFiles(p: Plan): Map<string, string> {
    return new Map(
        [...p.files.entries()].flatMap(([k, v]): [string, string][] => {
            const m = /\/fail2ban\/((?:jail|filter|action)\.d\/[^/]+|monsterr-start\.sh)$/.exec(k);
            return m ? [[m[1], v]] : [];
        }),
    );
}

/** Writes a plan's files to a temp dir and returns it (the filters must be passed to fail2ban-regex by absolute path). */
function writeTree(files: Map<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-f2b-"));
    for (const [rel, content] of files) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
}

/** IPs fail2ban-regex extracts from the matching lines of a log, one per matched line, in order. */
function matchedIps(log: string, filter: string): string[] {
    const r = runProgram("fail2ban-regex", ["-o", "ip", path.join(LOGS, log), filter]);
    expect(r.code).toBe(0);
    return r.stdout.split("\n").filter(Boolean);
}

function lineCount(log: string): number {
    return fs.readFileSync(path.join(LOGS, log), "utf8").split("\n").filter(Boolean).length;
}

let prod: Plan;
let tree: string;

beforeAll(async () => {
    prod = await plan("prod");
    tree = writeTree(f2bFiles(prod));
});

afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

describe("fail2ban files", () => {
    it("generates one jail file and a filter per custom jail", () => {
        expect([...f2bFiles(prod).keys()].sort()).toEqual(["filter.d/monsterr-authelia.conf", "filter.d/monsterr-proxy.conf", "jail.d/monsterr.local", "monsterr-start.sh"]);
    });

    it("bans containers in DOCKER-USER on the proxy's container ports and sshd in INPUT on the configured ssh port", async () => {
        const p = await plan("prod", { host: { type: "ssh", address: "media.example.com", port: 22, sshdPort: 2222, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } });
        const jail = f2bFiles(p).get("jail.d/monsterr.local")!;
        expect(jail).toContain('action = iptables-multiport[name=sshd, port="2222", protocol=tcp, chain=INPUT]');
        expect(jail).toContain('action = iptables-multiport[name=monsterr-authelia, port="80,443", protocol=tcp, chain=DOCKER-USER]');
        expect(jail).toContain('action = iptables-multiport[name=monsterr-proxy, port="80,443", protocol=tcp, chain=DOCKER-USER]');
        expect(jail).toMatch(/^logpath = \/logs\/authelia\/authelia\.log$/m);
    });

    it("starts the container through the generated script that picks the host's iptables backend, then the image's own command", () => {
        const c = prod.container("fail2ban")!;
        expect(c.entrypoints).toEqual(["/bin/sh", FAIL2BAN_START]);
        // The image's CMD (crazy-max/docker-fail2ban Dockerfile); Docker drops it when the entrypoint is replaced.
        expect(c.command).toEqual(["fail2ban-server", "-f", "-x", "-v", "start"]);
        expect(prod.files.get(`/opt/monsterr/fail2ban/${FAIL2BAN_START.replace("/data/", "")}`)).toMatch(/^#!\/bin\/sh\n[\s\S]*exec \/entrypoint\.sh "\$@"\n$/);
    });

    it("has no sshd jail on the dev stack (no ssh host)", async () => {
        const dev = await plan("dev");
        const jail = f2bFiles(dev).get("jail.d/monsterr.local")!;
        expect(jail).not.toContain("[sshd]");
        expect(jail).toContain("[monsterr-authelia]");
    });

    it("passes `fail2ban-client -t` on the generated config", () => {
        const dump = configTest(f2bFiles(prod));
        // Every jail of the generated file was read (a typo in a section would silently drop one).
        for (const jail of ["sshd", "monsterr-authelia", "monsterr-proxy"]) expect(dump).toContain(`['add', '${jail}', 'auto']`);
        expect(dump).toContain("f2b-monsterr-authelia");
        expect(dump).toContain("-I DOCKER-USER -p $proto -m multiport --dports 80,443 -j f2b-monsterr-authelia");
        expect(dump).toContain("-I DOCKER-USER -p $proto -m multiport --dports 80,443 -j f2b-monsterr-proxy");
        expect(dump).toContain("-I INPUT -p $proto -m multiport --dports 22 -j f2b-sshd");
    });

    it("only records bans on the dev stack: the local firewall is the developer's own", async () => {
        const files = f2bFiles(await plan("dev"));
        expect(files.get("jail.d/monsterr.local")).toMatch(/^action = dummy\[name=monsterr-authelia\]$/m);
        const dump = configTest(files);
        for (const jail of ["monsterr-authelia", "monsterr-proxy"]) expect(dump).toContain(`['add', '${jail}', 'auto']`);
        expect(dump).not.toMatch(/iptables|DOCKER-USER|-j f2b-/);
    });
});

/**
 * `fail2ban-client -t` on a full config dir: the distribution's fail2ban.conf/jail.conf/action.d/filter.d, monsterr's
 * jail.d and filter.d on top (as the container links them), the jails' log paths rebased into the temp dir, where
 * exactly `logs` exist (container paths). Returns the parsed config dump (`-d`).
 */
function configTest(files: Map<string, string>, logs: string[] = ["/var/log/auth.log", "/logs/authelia/authelia.log", "/logs/proxy/monsterr_access.log"]): string {
    const r = configCheck(files, logs);
    expect(r.out).toContain("OK: configuration test is successful");
    expect(r.code).toBe(0);
    return r.dump;
}

function configCheck(files: Map<string, string>, existing: string[]): { code: number; out: string; dump: string } {
    const conf = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-f2b-conf-"));
    try {
        fs.cpSync("/etc/fail2ban", conf, { recursive: true });
        fs.rmSync(path.join(conf, "jail.d"), { recursive: true, force: true });
        fs.mkdirSync(path.join(conf, "jail.d"));
        const logs = path.join(conf, "logs-root");
        for (const [rel, content] of files) {
            if (!/^(jail|filter)\.d\//.test(rel)) continue;
            const rebased = rel.startsWith("jail.d/")
                ? content.replace(/^(logpath = |\s+)(\/\S+)$/gm, (_m, lead: string, p: string) => `${lead}${logs}${p}`)
                : content;
            fs.writeFileSync(path.join(conf, rel), rebased);
        }
        for (const p of existing) {
            fs.mkdirSync(path.dirname(path.join(logs, p)), { recursive: true });
            fs.writeFileSync(path.join(logs, p), "");
        }
        const r = runProgram("fail2ban-client", ["-c", conf, "-t"]);
        return { ...r, dump: r.code === 0 ? runProgram("fail2ban-client", ["-c", conf, "-d"]).out : "" };
    } finally {
        fs.rmSync(conf, { recursive: true, force: true });
    }
}

/** The host path behind a path inside the fail2ban container (its catalog volumes). */
function hostPathOf(containerPath: string): string {
    const f2b = spec("fail2ban");
    const v = f2b.volumes.filter((x) => containerPath === x.target || containerPath.startsWith(`${x.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
    if (!v) throw new Error(`${containerPath} is not on a fail2ban volume`);
    return hostPath(v.source, "fail2ban", { configRoot: "/opt/monsterr", dataRoot: "/data" }) + containerPath.slice(v.target.length);
}

const jailLogs = (p: Plan) => [...f2bFiles(p).get("jail.d/monsterr.local")!.matchAll(/^logpath = (\S+)$/gm)].map((m) => m[1]);

describe("fail2ban starts cleanly on a fresh host, in any order", () => {
    it.each([
        ["the prod stack", {}],
        ["a stack with every app off (the portal only)", { services: Object.fromEntries(CATALOG.filter((s) => s.route && s.name !== "authelia").map((s) => [s.name, { enabled: false }])) }],
        ["a stack without the proxy and Authelia", { services: Object.fromEntries(CATALOG.filter((s) => s.name !== "fail2ban").map((s) => [s.name, { enabled: false }])) }],
    ])("%s: every log a jail reads is created before the fail2ban container starts", async (_label, overrides) => {
        const p = await plan("prod", overrides);
        const container = p.resources.find((r) => r.type === "docker:index/container:Container" && (r.inputs as { name?: string }).name === "fail2ban")!;
        const waits = p.waitsFor(container.name);
        for (const log of jailLogs(p)) {
            const host = hostPathOf(log);
            // auth.log is the host's own; the host preparation creates it, everything else is a seeded file.
            const writer = host === "/var/log/auth.log" ? p.resources.find((r) => r.name === "monsterr-host-directories" && String(reveal(r.inputs.create)).includes("/var/log/auth.log"))?.name : p.writerOf(host);
            expect({ log, writer: writer !== undefined, waited: writer !== undefined && waits.has(writer) }).toEqual({ log, writer: true, waited: true });
        }
        // With exactly those files, the real fail2ban accepts the configuration.
        configTest(f2bFiles(p), jailLogs(p));
    });

    it("needs them: with one log missing fail2ban refuses the whole configuration, every jail", async () => {
        const p = await plan("prod");
        const r = configCheck(f2bFiles(p), jailLogs(p).filter((l) => !l.includes("proxy")));
        expect(r.code).not.toBe(0);
        expect(r.out).toMatch(/Have not found any log file for monsterr-proxy jail/);
    });
});

describe("fail2ban-regex on realistic log lines", () => {
    const filter = (name: string) => path.join(tree, "filter.d", `${name}.conf`);

    it("Authelia: text and JSON, 1FA/TOTP/WebAuthn/Passkey/Duo and banned users, the field IP only", () => {
        expect(matchedIps("authelia.hits.log", filter("monsterr-authelia"))).toEqual([
            "203.0.113.5", "198.51.100.23", "203.0.113.5", "203.0.113.5", "203.0.113.6", "203.0.113.6", "203.0.113.5", "2001:db8::7",
            "203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.10",
        ]);
        expect(lineCount("authelia.hits.log")).toBe(13);
    });

    it("Authelia: no successes, info/debug lines or IPs injected through the username", () => {
        expect(matchedIps("authelia.misses.log", filter("monsterr-authelia"))).toEqual([]);
        expect(lineCount("authelia.misses.log")).toBe(12);
    });

    it("NPM: 400/401/403/421 in the proxy-host and default-server formats", () => {
        expect(matchedIps("proxy.hits.log", filter("monsterr-proxy"))).toEqual(["203.0.113.40", "203.0.113.41", "203.0.113.42", "2001:db8::40", "203.0.113.43", "203.0.113.48", "203.0.113.49"]);
    });

    it("NPM: no 2xx/3xx/404/444 and no status or client text injected through the URI or user agent", () => {
        expect(matchedIps("proxy.misses.log", filter("monsterr-proxy"))).toEqual([]);
        expect(lineCount("proxy.misses.log")).toBe(6);
    });

    it("sshd (fail2ban's own filter, which the sshd jail uses): failures, not logins", () => {
        expect(matchedIps("sshd.hits.log", "/etc/fail2ban/filter.d/sshd.conf")).toEqual(["203.0.113.60", "203.0.113.61", "203.0.113.62", "203.0.113.64"]);
        expect(matchedIps("sshd.misses.log", "/etc/fail2ban/filter.d/sshd.conf")).toEqual([]);
    });
});

describe("INI serializer", () => {
    it("escapes % (no interpolation), indents continuation lines and refuses values that would break the file", () => {
        expect(serializeIni([{ name: "Definition", entries: [["failregex", ["a%b", "c"]], ["ignoreregex", []], ["enabled", true]] }])).toBe(
            "[Definition]\nfailregex = a%%b\n            c\nignoreregex =\nenabled = true\n",
        );
        expect(() => serializeIni([{ name: "x", entries: [["k", "a\nb"]] }])).toThrow(/spans lines/);
        expect(() => serializeIni([{ name: "x]", entries: [] }])).toThrow(/section/);
    });
});
