import { dockerUserRules, firewallPolicy } from "../../components/edge/ufwRules";
import { plan } from "../support/plan";
import { SIM, dockerSimScript } from "../support/sshHost/dockerSim";
import { SshHost, chain, execIn, filterTable } from "../support/sshHost/host";
import { failAutheliaLogins, startFail2ban, startScriptBackend } from "../support/sshHost/fail2ban";
import { HostScript, hostScripts } from "../support/sshHost/scripts";

/**
 * The firewall scripts of the real program, run over ssh (pinned host key, sudo as on prod) against a disposable
 * Debian host in a container, with Docker's rules simulated inside it. Only that container's firewall changes.
 */
jest.setTimeout(240_000);

const TORRENT_PORT = 51413;
let host: SshHost;
let client: string;
let scripts: { packages: HostScript; ufw: HostScript };
let fail2banFiles: [string, string][];
let baseline: string;
let afterRulesBefore: string;

/** Whether the client ("the internet") opens a TCP connection to addr:port within 2 s. */
function reachable(addr: string, port: number): boolean {
    return execIn(client, `nc -z -w 2 ${addr} ${port}`).code === 0;
}

beforeAll(async () => {
    host = SshHost.start("fw");
    const p = await plan("prod", {
        host: { type: "ssh", address: host.ip, port: 22, user: host.user, hostKey: host.hostKey },
        torrentPort: TORRENT_PORT,
    });
    const [packages, ufw] = hostScripts(p, /-firewall-(packages|ufw)$/);
    scripts = { packages, ufw };
    fail2banFiles = [...p.files.entries()].filter(([path]) => path.startsWith("/opt/monsterr/fail2ban/"));
    host.exec(dockerSimScript());
    client = host.startClient();
    execIn(client, `ip route add ${SIM.subnet} via ${host.ip}`);
    baseline = filterTable(host);
    afterRulesBefore = host.sshOk("sudo -n sha256sum /etc/ufw/after.rules");
});

afterAll(() => host?.stop());

describe("firewall scripts on a disposable ssh host", () => {
    let firstApply: string;

    it("applies the ruleset: default deny, SSH open (not rate-limited), the public ports, the DOCKER-USER block", () => {
        expect(scripts.packages.name).toBe("monsterr-core-firewall-packages");
        expect(scripts.ufw.delete).toBeDefined();
        // An earlier Monsterr rate-limited sshd with `ufw limit`: the apply must replace that rule, not keep it.
        host.exec("ufw limit 22/tcp comment 'monsterr sshd' >/dev/null");
        const t0 = Date.now();
        host.sshOk(scripts.packages.create);
        host.sshOk(scripts.ufw.create);
        console.log(`first apply over ssh: ${Date.now() - t0} ms`);
        firstApply = filterTable(host);
        expect(firstApply).toContain(":INPUT DROP [0:0]");
        const userInput = chain(firstApply, "ufw-user-input");
        expect(userInput).toEqual([
            "-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT",
            "-A ufw-user-input -p tcp -m tcp --dport 80 -j ACCEPT",
            "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT",
            `-A ufw-user-input -p tcp -m tcp --dport ${TORRENT_PORT} -j ACCEPT`,
            `-A ufw-user-input -p udp -m udp --dport ${TORRENT_PORT} -j ACCEPT`,
            "-A ufw-user-input -p tcp -m tcp --dport 32400 -j ACCEPT",
        ]);
        const expected = dockerUserRules(
            firewallPolicy({ host: { kind: "ssh", address: host.ip, port: 22, sshdPort: 22, user: "deploy", hostKey: "" }, torrentPort: TORRENT_PORT }, ["nginx-proxy-manager", "qbittorrent", "plex"]),
        ).map((r) => ["-A DOCKER-USER", ...r.args.map((a) => (a.startsWith("monsterr:") ? `"${a}"` : a)), "-j", r.target].join(" "));
        expect(chain(firstApply, "DOCKER-USER")).toEqual(expected);
        const rules = firstApply.split("\n").filter((l) => l.startsWith("-A ")).length;
        console.log(`filter table after apply: ${rules} rules (${userInput.length} ufw-user-input, ${expected.length} DOCKER-USER)`);
    });

    it("applying twice gives the same ruleset and one block in after.rules", () => {
        host.sshOk(scripts.packages.create);
        host.sshOk(scripts.ufw.create);
        expect(filterTable(host)).toEqual(firstApply);
        expect(host.sshOk("sudo -n grep -c '^# BEGIN MONSTERR DOCKER-USER$' /etc/ufw/after.rules").trim()).toBe("1");
    });

    it("keeps a published port outside the catalog and an unpublished container port closed, the public port open", () => {
        expect(reachable(host.ip, SIM.publicPort)).toBe(true);
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(false);
        expect(reachable(SIM.container, SIM.backendPort)).toBe(false);
        expect(reachable(SIM.container, SIM.publicPort)).toBe(false);
    });

    it("accepts a burst of new SSH connections from one client, as one `pulumi up` opens (ufw limit refused the 6th in 30 s)", () => {
        const attempts = execIn(client, `for i in $(seq 20); do if nc -z -w 2 ${host.ip} 22; then echo open; else echo refused; fi; done`).stdout.trim().split("\n");
        expect(attempts).toEqual(Array(20).fill("open"));
    });

    it("re-applying repairs a flushed DOCKER-USER chain (which is what lets Docker-published ports bypass UFW)", () => {
        host.exec("iptables -F DOCKER-USER");
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(true);
        host.sshOk(scripts.ufw.create);
        expect(filterTable(host)).toEqual(firstApply);
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(false);
    });

    it("bans from the generated jails land in DOCKER-USER on the proxy ports (containers) and in INPUT (sshd)", () => {
        const clientIp = execIn(client, "hostname -i").stdout.trim().split(/\s+/)[0];
        // Docker's DOCKER-USER lives in iptables-nft on this host: the container's start script must pick nft.
        expect(startScriptBackend(host, fail2banFiles.find(([p]) => p.endsWith("/monsterr-start.sh"))![1])).toBe("nft");
        startFail2ban(host, fail2banFiles);
        expect(reachable(host.ip, SIM.publicPort)).toBe(true);
        failAutheliaLogins(host, clientIp);
        host.exec("fail2ban-client set sshd banip 192.0.2.10 >/dev/null");
        const banned = filterTable(host);
        expect(chain(banned, "DOCKER-USER")[0]).toBe("-A DOCKER-USER -p tcp -m multiport --dports 80,443 -j f2b-monsterr-authelia");
        expect(chain(banned, "f2b-monsterr-authelia")).toContain(`-A f2b-monsterr-authelia -s ${clientIp}/32 -j REJECT --reject-with icmp-port-unreachable`);
        expect(chain(banned, "INPUT")).toContain("-A INPUT -p tcp -m multiport --dports 22 -j f2b-sshd");
        expect(chain(banned, "f2b-sshd")).toContain("-A f2b-sshd -s 192.0.2.10/32 -j REJECT --reject-with icmp-port-unreachable");
        // The ban reaches the container behind the published port, which UFW's INPUT rules never see.
        expect(reachable(host.ip, SIM.publicPort)).toBe(false);
        // Re-applying an unchanged firewall must not reload ufw, which would flush fail2ban's jumps out of DOCKER-USER.
        host.sshOk(scripts.ufw.create);
        expect(chain(filterTable(host), "DOCKER-USER")[0]).toBe("-A DOCKER-USER -p tcp -m multiport --dports 80,443 -j f2b-monsterr-authelia");
        host.exec("fail2ban-client stop >/dev/null");
        expect(filterTable(host)).toEqual(firstApply);
    });

    it("the delete script removes every rule it added and leaves ufw as it found it", () => {
        host.sshOk(scripts.ufw.delete!);
        const after = filterTable(host);
        expect(after).not.toMatch(/monsterr/);
        // `ufw disable` leaves its empty chains and their jumps; DOCKER-USER is left empty (Docker 28+ leaves it so too).
        const rules = (t: string) => t.split("\n").filter((l) => l.startsWith("-A ") && !/ -j ufw-[\w-]+$/.test(l) && l !== "-A DOCKER-USER -j RETURN");
        expect(after.split("\n").filter((l) => l.startsWith("-A ufw-"))).toEqual([]);
        expect(chain(after, "DOCKER-USER")).toEqual([]);
        expect(rules(after)).toEqual(rules(baseline));
        expect(after).toMatch(/^:INPUT ACCEPT/m);
        expect(host.sshOk("sudo -n ufw status")).toMatch(/Status: inactive/);
        expect(host.sshOk("sudo -n ufw show added")).not.toContain("monsterr");
        expect(host.sshOk("sudo -n sha256sum /etc/ufw/after.rules")).toBe(afterRulesBefore);
        expect(host.ssh("sudo -n test -e /etc/ufw/monsterr.state").code).not.toBe(0);
    });

    it("leaves ufw on when it found it on: apply then delete on a host whose firewall was already active", () => {
        host.exec("ufw allow 2222/tcp comment 'the owner' >/dev/null && ufw --force enable >/dev/null");
        host.sshOk(scripts.ufw.create);
        expect(host.sshOk("sudo -n cat /etc/ufw/monsterr.state").trim()).toBe("was-active");
        host.sshOk(scripts.ufw.delete!);
        const status = host.sshOk("sudo -n ufw status");
        expect(status).toMatch(/Status: active/);
        // The owner's own rule stays; every monsterr rule is gone.
        expect(host.sshOk("sudo -n ufw show added")).toContain("allow 2222/tcp comment 'the owner'");
        expect(host.sshOk("sudo -n ufw show added")).not.toContain("monsterr");
        expect(chain(filterTable(host), "DOCKER-USER")).toEqual([]);
    });
});
