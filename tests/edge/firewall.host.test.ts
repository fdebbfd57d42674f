import { dockerUserRules, firewallPolicy } from "../../components/edge/ufwRules";
import { plan } from "../support/plan";
import { SIM, dockerSimScript } from "../support/sshHost/dockerSim";
import { SshHost, execIn } from "../support/sshHost/host";
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

/** The filter table without counters and comments: what must be identical between two applies. */
function filterTable(): string {
    return host
        .sshOk("sudo -n iptables-save -t filter")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.replace(/\[\d+:\d+\]$/, "[0:0]"))
        .join("\n");
}

const chain = (table: string, name: string) => table.split("\n").filter((l) => l.startsWith(`-A ${name} `));

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
    baseline = filterTable();
    afterRulesBefore = host.sshOk("sudo -n sha256sum /etc/ufw/after.rules");
});

afterAll(() => host?.stop());

describe("firewall scripts on a disposable ssh host", () => {
    let firstApply: string;

    it("applies the ruleset: default deny, SSH limited, the public ports, the DOCKER-USER block", () => {
        expect(scripts.packages.name).toBe("monsterr-core-firewall-packages");
        expect(scripts.ufw.delete).toBeDefined();
        const t0 = Date.now();
        host.sshOk(scripts.packages.create);
        host.sshOk(scripts.ufw.create);
        console.log(`first apply over ssh: ${Date.now() - t0} ms`);
        firstApply = filterTable();
        expect(firstApply).toContain(":INPUT DROP [0:0]");
        const userInput = chain(firstApply, "ufw-user-input");
        expect(userInput).toEqual([
            "-A ufw-user-input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource",
            "-A ufw-user-input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource -j ufw-user-limit",
            "-A ufw-user-input -p tcp -m tcp --dport 22 -j ufw-user-limit-accept",
            "-A ufw-user-input -p tcp -m tcp --dport 80 -j ACCEPT",
            "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT",
            `-A ufw-user-input -p tcp -m tcp --dport ${TORRENT_PORT} -j ACCEPT`,
            `-A ufw-user-input -p udp -m udp --dport ${TORRENT_PORT} -j ACCEPT`,
            "-A ufw-user-input -p tcp -m tcp --dport 32400 -j ACCEPT",
        ]);
        const expected = dockerUserRules(
            firewallPolicy({ host: { kind: "ssh", address: host.ip, port: 22, user: "deploy", hostKey: "" }, torrentPort: TORRENT_PORT }, ["nginx-proxy-manager", "qbittorrent", "plex"]),
        ).map((r) => ["-A DOCKER-USER", ...r.args.map((a) => (a.startsWith("monsterr:") ? `"${a}"` : a)), "-j", r.target].join(" "));
        expect(chain(firstApply, "DOCKER-USER")).toEqual(expected);
        const rules = firstApply.split("\n").filter((l) => l.startsWith("-A ")).length;
        console.log(`filter table after apply: ${rules} rules (${userInput.length} ufw-user-input, ${expected.length} DOCKER-USER)`);
    });

    it("applying twice gives the same ruleset and one block in after.rules", () => {
        host.sshOk(scripts.packages.create);
        host.sshOk(scripts.ufw.create);
        expect(filterTable()).toEqual(firstApply);
        expect(host.sshOk("sudo -n grep -c '^# BEGIN MONSTERR DOCKER-USER$' /etc/ufw/after.rules").trim()).toBe("1");
    });

    it("keeps a published port outside the catalog and an unpublished container port closed, the public port open", () => {
        expect(reachable(host.ip, SIM.publicPort)).toBe(true);
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(false);
        expect(reachable(SIM.container, SIM.backendPort)).toBe(false);
        expect(reachable(SIM.container, SIM.publicPort)).toBe(false);
    });

    it("rate-limits new SSH connections per client (ufw limit: the 6th within 30 s is refused)", () => {
        const attempts = execIn(client, `for i in 1 2 3 4 5 6 7 8; do if nc -z -w 2 ${host.ip} 22; then echo open; else echo refused; fi; done`).stdout.trim().split("\n");
        expect(attempts).toEqual([...Array(5).fill("open"), ...Array(3).fill("refused")]);
    });

    it("re-applying repairs a flushed DOCKER-USER chain (which is what lets Docker-published ports bypass UFW)", () => {
        host.exec("iptables -F DOCKER-USER");
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(true);
        host.sshOk(scripts.ufw.create);
        expect(filterTable()).toEqual(firstApply);
        expect(reachable(host.ip, SIM.strayPublishedPort)).toBe(false);
    });

    it("bans from the generated jails land in DOCKER-USER on the proxy ports (containers) and in INPUT (sshd)", () => {
        const clientIp = execIn(client, "hostname -i").stdout.trim().split(/\s+/)[0];
        const files = fail2banFiles.map(([path, content]) => `mkdir -p /etc/fail2ban/${path.split("/").slice(-2, -1)[0]}\ncat >/etc/fail2ban/${path.split("/").slice(-2).join("/")} <<'MONSTERR_EOF'\n${content}MONSTERR_EOF`);
        host.exec(
            [
                "rm -f /etc/fail2ban/jail.d/*",
                ...files,
                "mkdir -p /logs/authelia /logs/proxy",
                "touch /logs/authelia/authelia.log /logs/proxy/proxy-host-1_access.log /logs/proxy/fallback_access.log",
                "mkdir -p /run/fail2ban",
                "fail2ban-client -x start >/dev/null",
                "for i in $(seq 50); do fail2ban-client ping >/dev/null 2>&1 && break; sleep 0.2; done",
            ].join("\n"),
        );
        expect(reachable(host.ip, SIM.publicPort)).toBe(true);
        const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
        const line = `time="${now}" level=error msg="Unsuccessful 1FA authentication attempt by user 'admin'" error="authentication failed" method=POST path=/api/firstfactor remote_ip=${clientIp}`;
        host.exec(`for i in 1 2 3 4 5; do echo ${JSON.stringify(line).replace(/\$/g, "\\$")} >>/logs/authelia/authelia.log; done`);
        host.exec(`for i in $(seq 100); do fail2ban-client status monsterr-authelia | grep -q '${clientIp}' && exit 0; sleep 0.2; done; exit 1`);
        host.exec("fail2ban-client set sshd banip 192.0.2.10 >/dev/null");
        const banned = filterTable();
        expect(chain(banned, "DOCKER-USER")[0]).toBe("-A DOCKER-USER -p tcp -m multiport --dports 80,443 -j f2b-monsterr-authelia");
        expect(chain(banned, "f2b-monsterr-authelia")).toContain(`-A f2b-monsterr-authelia -s ${clientIp}/32 -j REJECT --reject-with icmp-port-unreachable`);
        expect(chain(banned, "INPUT")).toContain("-A INPUT -p tcp -m multiport --dports 22 -j f2b-sshd");
        expect(chain(banned, "f2b-sshd")).toContain("-A f2b-sshd -s 192.0.2.10/32 -j REJECT --reject-with icmp-port-unreachable");
        // The ban reaches the container behind the published port, which UFW's INPUT rules never see.
        expect(reachable(host.ip, SIM.publicPort)).toBe(false);
        // Re-applying an unchanged firewall must not reload ufw, which would flush fail2ban's jumps out of DOCKER-USER.
        host.sshOk(scripts.ufw.create);
        expect(chain(filterTable(), "DOCKER-USER")[0]).toBe("-A DOCKER-USER -p tcp -m multiport --dports 80,443 -j f2b-monsterr-authelia");
        host.exec("fail2ban-client stop >/dev/null");
        expect(filterTable()).toEqual(firstApply);
    });

    it("the delete script removes every rule it added and leaves ufw as it found it", () => {
        host.sshOk(scripts.ufw.delete!);
        const after = filterTable();
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
});
