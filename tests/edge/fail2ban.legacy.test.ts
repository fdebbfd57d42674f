import { plan } from "../support/plan";
import { SIM, dockerSimScript } from "../support/sshHost/dockerSim";
import { failAutheliaLogins, startFail2ban, startScriptBackend } from "../support/sshHost/fail2ban";
import { SshHost, execIn } from "../support/sshHost/host";
import { hostScripts } from "../support/sshHost/scripts";

/**
 * A host whose Docker and UFW use iptables-legacy (its `iptables` alternative), which the fail2ban image does not
 * detect by itself: the generated start script must pick legacy, and a ban must then stop container traffic.
 */
jest.setTimeout(240_000);

let host: SshHost;
let client: string;
let files: [string, string][];

beforeAll(async () => {
    host = SshHost.start("legacy");
    host.exec("update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null && update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null");
    const p = await plan("prod", { host: { type: "ssh", address: host.ip, port: 22, user: host.user, hostKey: host.hostKey } });
    files = [...p.files.entries()].filter(([path]) => path.startsWith("/opt/monsterr/fail2ban/"));
    host.exec(dockerSimScript());
    client = host.startClient();
    execIn(client, `ip route add ${SIM.subnet} via ${host.ip}`);
    for (const s of hostScripts(p, /-firewall-(packages|ufw)$/)) host.sshOk(s.create);
});

afterAll(() => host?.stop());

const reachable = (port: number) => execIn(client, `nc -z -w 2 ${host.ip} ${port}`).code === 0;

describe("Fail2Ban on a host whose Docker uses iptables-legacy", () => {
    it("has DOCKER-USER only in the legacy tables, so an nft ban could not even be inserted", () => {
        expect(host.exec("iptables-legacy-save -t filter")).toMatch(/^-A DOCKER-USER .*monsterr:/m);
        expect(host.exec("xtables-nft-multi iptables -w -n -L DOCKER-USER >/dev/null 2>&1 && echo present || echo absent").trim()).toBe("absent");
    });

    it("the container's start script picks legacy, and the ban then stops the client at the published port", () => {
        expect(startScriptBackend(host, files.find(([p]) => p.endsWith("/monsterr-start.sh"))![1])).toBe("legacy");
        startFail2ban(host, files);
        expect(reachable(SIM.publicPort)).toBe(true);
        const clientIp = execIn(client, "hostname -i").stdout.trim().split(/\s+/)[0];
        failAutheliaLogins(host, clientIp);
        expect(host.exec("iptables-legacy-save -t filter")).toContain(`-A f2b-monsterr-authelia -s ${clientIp}/32 -j REJECT`);
        expect(reachable(SIM.publicPort)).toBe(false);
        host.exec("fail2ban-client stop >/dev/null");
    });
});
