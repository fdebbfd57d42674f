import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AUTHELIA_FILTER, FAIL2BAN_START, FILTERS, LOGS, PROXY_FILTER, fail2banFiles, fail2banJails, fail2banStartScript, filterSections, jailSections, serializeIni } from "../../../components/files/fail2ban";
import { runProgram } from "../../support/binaries";
import { JAILS } from "../../policy/security";
import { enabled, fileContext, sshStack, stack } from "../support";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "logs");

function tmp(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-f2b-unit-"));
}

describe("Fail2Ban jails (unit)", () => {
    it("on an ssh host: the reviewed numbers, chains and ports, each jail reading one log", () => {
        const config = sshStack();
        const jails = fail2banJails(config, enabled(config));
        expect(Object.fromEntries(jails.map((j) => [j.name, { maxretry: j.maxretry, findtime: j.findtime, bantime: j.bantime, chain: j.ban.chain, ports: j.ban.ports.join(",") }]))).toEqual(JAILS);
        expect(jails.map((j) => [j.name, j.filter, j.logpath, j.ban.enforce, j.ban.protocol])).toEqual([
            ["sshd", "sshd", ["/var/log/auth.log"], true, "tcp"],
            ["monsterr-authelia", "monsterr-authelia", ["/logs/authelia/authelia.log"], true, "tcp"],
            ["monsterr-proxy", "monsterr-proxy", ["/logs/proxy/monsterr_access.log"], true, "tcp"],
        ]);
        expect(LOGS).toEqual({ sshd: "/var/log/auth.log", authelia: "/logs/authelia/authelia.log", proxy: "/logs/proxy/monsterr_access.log" });
    });

    it("on the dev machine: no sshd jail, and bans only recorded; without Authelia or the proxy, no jail for them", () => {
        const dev = stack();
        expect(fail2banJails(dev, enabled(dev)).map((j) => [j.name, j.ban.enforce])).toEqual([["monsterr-authelia", false], ["monsterr-proxy", false]]);
        const ssh = sshStack();
        expect(fail2banJails(ssh, enabled(ssh).filter((n) => n !== "authelia")).map((j) => j.name)).toEqual(["sshd", "monsterr-proxy"]);
        expect(fail2banJails(ssh, ["fail2ban"]).map((j) => j.name)).toEqual(["sshd"]);
        expect(fail2banJails({ ...ssh, host: { ...(ssh.host as { kind: "ssh" } & typeof ssh.host), sshdPort: 2222 } }, ["fail2ban"])[0].ban.ports).toEqual([2222]);
    });

    it("serializes to the jail file fail2ban reads, with iptables-multiport bans or dummy ones", () => {
        const ssh = sshStack();
        const text = serializeIni(jailSections(fail2banJails(ssh, enabled(ssh))));
        expect(text.split("\n").slice(0, 4)).toEqual(["[DEFAULT]", "backend = auto", "ignoreip = 127.0.0.1/8 ::1", ""]);
        expect(text).toContain(
            [
                "[monsterr-proxy]",
                "enabled = true",
                "filter = monsterr-proxy",
                "logpath = /logs/proxy/monsterr_access.log",
                'port = 80,443',
                "protocol = tcp",
                "chain = DOCKER-USER",
                "maxretry = 30",
                "findtime = 2m",
                "bantime = 1h",
                'action = iptables-multiport[name=monsterr-proxy, port="80,443", protocol=tcp, chain=DOCKER-USER]',
            ].join("\n"),
        );
        const dev = stack();
        expect(serializeIni(jailSections(fail2banJails(dev, enabled(dev))))).toContain("action = dummy[name=monsterr-authelia]");
        expect(serializeIni(filterSections(PROXY_FILTER))).toBe(`[Definition]\nfailregex = ${PROXY_FILTER.failregex[0].replace(/%/g, "%%")}\nignoreregex =\n`);
    });

    it("INI values: % escaped, continuation lines indented under their key, nothing that breaks the file", () => {
        expect(serializeIni([{ name: "A", entries: [["k", ["x%y", "z"]], ["n", 5], ["b", false], ["e", []]] }, { name: "B-2", entries: [] }])).toBe(
            "[A]\nk = x%%y\n    z\nn = 5\nb = false\ne =\n\n[B-2]\n",
        );
        expect(() => serializeIni([{ name: "A", entries: [["k", "a\rb"]] }])).toThrow(/spans lines/);
        expect(() => serializeIni([{ name: "A B", entries: [] }])).toThrow(/section name/);
        for (const key of ["Key", "a-b", "ab1", "a b"]) expect(() => serializeIni([{ name: "A", entries: [[key, "v"]] }])).toThrow(`bad INI key ${key}`);
    });

    it("writes the start script, the jail file and the filters the jails use, into the container's /data", () => {
        const ssh = sshStack();
        const files = fail2banFiles(fileContext(ssh));
        expect(files.map((f) => [f.path, f.mode])).toEqual([
            ["monsterr-start.sh", "0755"],
            ["jail.d/monsterr.local", undefined],
            ["filter.d/monsterr-authelia.conf", undefined],
            ["filter.d/monsterr-proxy.conf", undefined],
        ]);
        expect(FAIL2BAN_START).toBe("/data/monsterr-start.sh");
        expect(fail2banFiles(fileContext(ssh, undefined)).length).toBe(4);
        const noAuthelia = { ...ssh, services: { ...ssh.services, authelia: { ...ssh.services.authelia, enabled: false } } };
        expect(fail2banFiles({ ...fileContext(noAuthelia), enabled: enabled(noAuthelia) }).map((f) => f.path)).not.toContain("filter.d/monsterr-authelia.conf");
        expect(FILTERS.map((f) => f.name)).toEqual(["monsterr-authelia", "monsterr-proxy"]);
    });
});

describe("Fail2Ban filters under fail2ban-regex (unit)", () => {
    const matched = (filter: typeof AUTHELIA_FILTER, log: string) => {
        const dir = tmp();
        try {
            fs.writeFileSync(path.join(dir, "f.conf"), serializeIni(filterSections(filter)));
            const r = runProgram("fail2ban-regex", ["-o", "ip", path.join(FIXTURES, log), path.join(dir, "f.conf")]);
            expect(r.code).toBe(0);
            return r.stdout.split("\n").filter(Boolean);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };

    it("Authelia: every kind of failure by its field address; nothing injected, no success", () => {
        expect(matched(AUTHELIA_FILTER, "authelia.hits.log")).toHaveLength(13);
        expect(matched(AUTHELIA_FILTER, "authelia.misses.log")).toEqual([]);
    });

    it("proxy: refusals (400/401/403/421) by their client; never 2xx/3xx/404/444 or injected text", () => {
        expect(matched(PROXY_FILTER, "proxy.hits.log")).toEqual(["203.0.113.40", "203.0.113.41", "203.0.113.42", "2001:db8::40", "203.0.113.43", "203.0.113.48", "203.0.113.49"]);
        expect(matched(PROXY_FILTER, "proxy.misses.log")).toEqual([]);
    });
});

describe("the container's start script (unit)", () => {
    /**
     * Runs the script with stand-ins: `iptables`/`iptables-save` (the image's default, nft) and
     * `xtables-legacy-multi` answer from the given chains; the image's entrypoint prints the mode it got.
     */
    function backend(chains: { legacy?: string; nft?: string }): string {
        const dir = tmp();
        try {
            const fake = (name: string, table: string | undefined) =>
                fs.writeFileSync(
                    path.join(dir, name),
                    ["#!/bin/sh", table === undefined ? "exit 1" : `case "$*" in *-L\\ DOCKER-USER*) exit 0;; *iptables-save*|-t\\ filter) printf '%s\\n' '${table}';; esac`].join("\n"),
                    { mode: 0o755 },
                );
            fake("iptables", chains.nft);
            fake("xtables-legacy-multi", chains.legacy);
            fs.writeFileSync(path.join(dir, "iptables-save"), `#!/bin/sh\n${chains.nft === undefined ? "exit 1" : `printf '%s\\n' '${chains.nft}'`}\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "entrypoint.sh"), '#!/bin/sh\necho "mode=$IPTABLES_MODE args=$*"\n', { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "start.sh"), fail2banStartScript().replace("/entrypoint.sh", path.join(dir, "entrypoint.sh")));
            const r = spawnSync("sh", [path.join(dir, "start.sh"), "fail2ban-server", "-f"], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin` } });
            expect(r.status).toBe(0);
            return r.stdout.trim();
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    const ours = "-A DOCKER-USER -p tcp -m comment --comment monsterr:nginx-proxy-manager -j RETURN";

    it("picks legacy only where Docker's chain is in the legacy tables, and hands over the image's command", () => {
        expect(backend({ legacy: ours })).toBe("monsterr: iptables backend legacy\nmode=legacy args=fail2ban-server -f");
        expect(backend({ nft: ours })).toBe("monsterr: iptables backend nft\nmode=nft args=fail2ban-server -f");
        expect(backend({})).toBe("monsterr: iptables backend nft\nmode=nft args=fail2ban-server -f");
        // Both backends have the chain: Monsterr's firewall rules decide.
        expect(backend({ legacy: ours, nft: "-A DOCKER-USER -j RETURN" })).toContain("backend legacy");
        expect(backend({ legacy: "-A DOCKER-USER -j RETURN", nft: ours })).toContain("backend nft");
        expect(backend({ legacy: ours, nft: ours })).toContain("backend nft");
    });
});
