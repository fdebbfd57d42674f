import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HOST_PACKAGES, UFW_STATE_FILE, packagesScript, ufwCreateScript, ufwDeleteScript } from "../../../components/edge/firewallScripts";
import { AFTER_RULES, BLOCK_BEGIN, BLOCK_END, afterRulesBlock, dockerUserRules, firewallPolicy, ufwRuleSpec } from "../../../components/edge/ufwRules";
import { enabled, sshStack, stack } from "../support";

const FAKES = path.join(__dirname, "..", "fakes");

describe("the firewall policy (unit)", () => {
    it("opens sshd's own port, the published ports and Plex, from the catalog and the stack", () => {
        const config = sshStack({ torrentPort: 51413, host: { type: "ssh", address: "h.example.com", port: 2222, sshdPort: 22, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } });
        const p = firewallPolicy(config, enabled(config));
        expect(p.sshPort).toBe(22);
        expect(p.ufw.map(ufwRuleSpec)).toEqual([
            "allow 22/tcp comment 'monsterr sshd'",
            "allow 80/tcp comment 'monsterr nginx-proxy-manager'",
            "allow 443/tcp comment 'monsterr nginx-proxy-manager'",
            "allow 51413/tcp comment 'monsterr qbittorrent'",
            "allow 51413/udp comment 'monsterr qbittorrent'",
            "allow 32400/tcp comment 'monsterr plex'",
        ]);
        expect(p.published).toEqual([
            { service: "nginx-proxy-manager", hostPort: 80, containerPort: 80, protocol: "tcp" },
            { service: "nginx-proxy-manager", hostPort: 443, containerPort: 443, protocol: "tcp" },
            { service: "qbittorrent", hostPort: 51413, containerPort: 51413, protocol: "tcp" },
            { service: "qbittorrent", hostPort: 51413, containerPort: 51413, protocol: "udp" },
        ]);
        expect(firewallPolicy(stack(), ["nginx-proxy-manager"]).sshPort).toBe(22);
        expect(firewallPolicy(config, ["fail2ban", "nginx-proxy-manager"]).ufw.map((r) => r.reason)).toEqual(["sshd", "nginx-proxy-manager", "nginx-proxy-manager"]);
    });

    it("opens sshd where it listens on the host, not where Pulumi connects", () => {
        const config = sshStack({ host: { type: "ssh", address: "h.example.com", port: 22, sshdPort: 2222, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } });
        const p = firewallPolicy(config, ["nginx-proxy-manager"]);
        expect([p.sshPort, p.ufw[0].port]).toEqual([2222, 2222]);
    });

    it("publishes and opens nothing for qBittorrent behind the VPN, and works from settings without services", () => {
        // AirVPN over OpenVPN needs no credentials, so the unit stack has none to give.
        const vpn = sshStack({ vpn: { provider: "airvpn", type: "openvpn" } });
        const withVpn = firewallPolicy({ ...vpn }, ["nginx-proxy-manager", "gluetun", "qbittorrent"]);
        expect(withVpn.published.map((x) => x.service)).toEqual(["nginx-proxy-manager", "nginx-proxy-manager"]);
        expect(withVpn.ufw.map((r) => r.reason)).toEqual(["sshd", "nginx-proxy-manager", "nginx-proxy-manager"]);
        const bare = firewallPolicy({ host: vpn.host, torrentPort: 6881 }, ["qbittorrent"]);
        expect(bare.published.map((x) => `${x.service}:${x.hostPort}/${x.protocol}`)).toEqual(["qbittorrent:6881/tcp", "qbittorrent:6881/udp"]);
    });

    it("lets through DOCKER-USER replies, container egress and the published ports only, dropping the rest to bridges", () => {
        const config = sshStack({ torrentPort: 6881 });
        const rules = dockerUserRules(firewallPolicy(config, ["nginx-proxy-manager", "qbittorrent"])).map((r) => [...r.args, "-j", r.target].join(" "));
        expect(rules).toEqual([
            "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
            "-i docker0 -j RETURN",
            "-i br-+ -j RETURN",
            "-p tcp -m conntrack --ctstate DNAT --ctorigdstport 80 -m comment --comment monsterr:nginx-proxy-manager -j RETURN",
            "-p tcp -m conntrack --ctstate DNAT --ctorigdstport 443 -m comment --comment monsterr:nginx-proxy-manager -j RETURN",
            "-p tcp -m conntrack --ctstate DNAT --ctorigdstport 6881 -m comment --comment monsterr:qbittorrent -j RETURN",
            "-p udp -m conntrack --ctstate DNAT --ctorigdstport 6881 -m comment --comment monsterr:qbittorrent -j RETURN",
            "-o docker0 -j DROP",
            "-o br-+ -j DROP",
            "-j RETURN",
        ]);
        const block = afterRulesBlock(firewallPolicy(config, ["nginx-proxy-manager"]));
        expect(block.split("\n")).toEqual([BLOCK_BEGIN, "*filter", ":DOCKER-USER - [0:0]", ...dockerUserRules(firewallPolicy(config, ["nginx-proxy-manager"])).map((r) => ["-A", "DOCKER-USER", ...r.args, "-j", r.target].join(" ")), "COMMIT", BLOCK_END, ""]);
    });

    it("installs ufw and rsyslog only when missing, and starts rsyslog", () => {
        const s = packagesScript();
        expect(HOST_PACKAGES.map((p) => p.pkg)).toEqual(["ufw", "rsyslog"]);
        expect(s).toContain('command -v ufw >/dev/null 2>&1 || missing="$missing ufw"');
        expect(s).toContain('command -v rsyslogd >/dev/null 2>&1 || missing="$missing rsyslog"');
        expect(s).toContain("apt-get install -y -q $missing");
        expect(s).toContain("systemctl enable --now rsyslog.service");
    });
});

/**
 * The scripts run for real against stand-ins for ufw, iptables and docker (tests/unit/fakes) in a mount namespace
 * whose /etc/ufw and /etc/default/ufw are scratch copies: what they decide (add, remove, reload, restart Fail2Ban,
 * restore the state found) is asserted; the real ufw runs in tests/edge/firewall.host.test.ts.
 */
class FakeHost {
    readonly state = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-fakeufw-"));
    readonly etc = path.join(this.state, "etc-ufw");

    constructor(opts: { active?: boolean; fail2banRunning?: boolean; rules?: string[] } = {}) {
        fs.mkdirSync(this.etc);
        fs.writeFileSync(path.join(this.etc, "after.rules"), "# rules.input-after\n*filter\n:ufw-after-input - [0:0]\nCOMMIT\n");
        fs.writeFileSync(path.join(this.state, "default"), 'DEFAULT_INPUT_POLICY="ACCEPT"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="ACCEPT"\n');
        if (opts.active) fs.writeFileSync(path.join(this.state, "active"), "");
        if (opts.fail2banRunning) fs.writeFileSync(path.join(this.state, "running"), "fail2ban\n");
        fs.writeFileSync(path.join(this.state, "rules"), (opts.rules ?? []).map((r) => `${r}\n`).join(""));
    }

    /** Runs a script with the stand-ins first on PATH (`noUfw`: a host where ufw is not installed). */
    run(script: string, opts: { noUfw?: boolean } = {}): { code: number; out: string } {
        fs.writeFileSync(path.join(this.state, "script.sh"), script);
        let bin = FAKES;
        if (opts.noUfw) {
            bin = path.join(this.state, "bin");
            fs.mkdirSync(bin, { recursive: true });
            for (const f of ["iptables", "docker"]) if (!fs.existsSync(path.join(bin, f))) fs.symlinkSync(path.join(FAKES, f), path.join(bin, f));
        }
        const wrapper = [
            "set -e",
            `mount --bind ${this.etc} /etc/ufw`,
            `mount --bind ${this.state}/default /etc/default/ufw`,
            `PATH=${bin}:${opts.noUfw ? "/usr/bin:/bin" : "$PATH"} FAKE_STATE=${this.state} sh ${this.state}/script.sh`,
        ].join("\n");
        const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", wrapper], { encoding: "utf8" });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
    }

    read(name: string): string {
        const p = path.join(this.state, name);
        return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "";
    }
    lines = (name: string) => this.read(name).split("\n").filter(Boolean);
    afterRules = () => fs.readFileSync(path.join(this.etc, "after.rules"), "utf8");
    stateFile = () => this.read(`etc-ufw/${path.basename(UFW_STATE_FILE)}`).trim();
    dispose = () => fs.rmSync(this.state, { recursive: true, force: true });
}

describe("the firewall scripts against stand-in ufw, iptables and docker (unit)", () => {
    const config = sshStack({ torrentPort: 51413 });
    const policy = () => firewallPolicy(config, enabled(config));
    const wanted = () => policy().ufw.map(ufwRuleSpec);
    expect(AFTER_RULES).toBe("/etc/ufw/after.rules");

    it("applies on an inactive host: defaults, rules, the after.rules block once, enables, restarts Fail2Ban; again: nothing", () => {
        const host = new FakeHost({ fail2banRunning: true, rules: ["allow 8080/tcp comment 'monsterr stale'", "allow 2222/tcp comment 'owner'"] });
        try {
            expect(host.run(ufwCreateScript(policy(), "fail2ban"))).toEqual({ code: 0, out: "" });
            expect(host.lines("rules")).toEqual(["allow 2222/tcp comment 'owner'", ...wanted()]);
            expect(host.read("default")).toContain('DEFAULT_INPUT_POLICY="DROP"');
            expect(host.read("default")).toContain('DEFAULT_FORWARD_POLICY="DROP"');
            expect(host.afterRules()).toBe(`# rules.input-after\n*filter\n:ufw-after-input - [0:0]\nCOMMIT\n${afterRulesBlock(policy())}`);
            expect(host.stateFile()).toBe("was-inactive");
            expect(host.read("active")).toBe("");
            expect(host.lines("restarts")).toEqual(["fail2ban"]);
            // A second apply of the same policy: no reload (it would flush Fail2Ban's jumps), no restart, same files.
            const before = host.afterRules();
            expect(host.run(ufwCreateScript(policy(), "fail2ban")).code).toBe(0);
            expect(host.afterRules()).toBe(before);
            expect(host.lines("reloads")).toEqual([]);
            expect(host.lines("restarts")).toEqual(["fail2ban"]);
            expect(host.lines("rules")).toEqual(["allow 2222/tcp comment 'owner'", ...wanted()]);
        } finally {
            host.dispose();
        }
    });

    it("reloads an active firewall when after.rules changed or its live chain lost a rule, and only then", () => {
        const host = new FakeHost({ active: true, fail2banRunning: true });
        try {
            host.run(ufwCreateScript(policy(), "fail2ban"));
            expect(host.stateFile()).toBe("was-active");
            expect(host.lines("reloads").length).toBeGreaterThanOrEqual(1);
            const reloads = host.lines("reloads").length;
            host.run(ufwCreateScript(policy(), "fail2ban"));
            expect(host.lines("reloads").length).toBe(reloads);
            // A manual flush of DOCKER-USER: the next apply reloads and restores it.
            fs.writeFileSync(path.join(host.state, "chain"), "");
            host.run(ufwCreateScript(policy(), "fail2ban"));
            expect(host.lines("reloads").length).toBe(reloads + 1);
            expect(host.lines("chain")).toEqual(afterRulesBlock(policy()).split("\n").filter((l) => l.startsWith("-A DOCKER-USER")));
            // A changed policy rewrites the block and reloads.
            const other = firewallPolicy(config, ["nginx-proxy-manager"]);
            host.run(ufwCreateScript(other, "fail2ban"));
            expect(host.lines("reloads").length).toBe(reloads + 2);
            expect(host.afterRules().split(BLOCK_BEGIN)).toHaveLength(2);
            expect(host.lines("rules")).toEqual(other.ufw.map(ufwRuleSpec));
        } finally {
            host.dispose();
        }
    });

    it("leaves a stopped Fail2Ban alone and fails clearly without ufw", () => {
        const host = new FakeHost();
        try {
            host.run(ufwCreateScript(policy(), "fail2ban"));
            expect(host.lines("restarts")).toEqual([]);
            expect(host.run(ufwCreateScript(policy()), { noUfw: true })).toEqual({ code: 1, out: "monsterr: ufw is not installed\n" });
            // Without ufw there is nothing to remove: delete succeeds and touches nothing.
            expect(host.run(ufwDeleteScript("fail2ban"), { noUfw: true })).toEqual({ code: 0, out: "" });
            expect(host.lines("restarts")).toEqual([]);
        } finally {
            host.dispose();
        }
    });

    it("deletes only monsterr's rules and block, and leaves ufw as it found it", () => {
        for (const active of [false, true]) {
            const host = new FakeHost({ active, fail2banRunning: true, rules: ["allow 2222/tcp comment 'owner'"] });
            try {
                host.run(ufwCreateScript(policy(), "fail2ban"));
                const restarts = host.lines("restarts").length;
                expect(host.run(ufwDeleteScript("fail2ban"))).toEqual({ code: 0, out: "" });
                expect(host.lines("rules")).toEqual(["allow 2222/tcp comment 'owner'"]);
                expect(host.afterRules()).toBe("# rules.input-after\n*filter\n:ufw-after-input - [0:0]\nCOMMIT\n");
                expect({ active, stillActive: fs.existsSync(path.join(host.state, "active")) }).toEqual({ active, stillActive: active });
                expect(host.stateFile()).toBe("");
                expect(host.read("chain")).toBe("");
                expect(host.lines("restarts").length).toBe(restarts + 1);
                expect(host.read("calls")).toContain("iptables -w -F DOCKER-USER");
            } finally {
                host.dispose();
            }
        }
    });
});
