import { spawnSync } from "child_process";
import { edgeSlot, edgeSubnetOf } from "../../components/networks";
import { plan } from "../support/plan";
import { SimNetwork, dockerBaseScript, dockerNetworkScript } from "../support/sshHost/dockerBridges";
import { SIM, dockerSimScript } from "../support/sshHost/dockerSim";
import { IMAGE, SshHost, chain, execIn, filterTable } from "../support/sshHost/host";
import { PrivateLink } from "../support/sshHost/privateLink";
import { HostScript, hostScripts } from "../support/sshHost/scripts";

/**
 * The split stack's firewalls on two disposable SSH hosts joined by a private network, with a third machine on that
 * network (a stranger: anything else on the LAN, WireGuard or Tailscale link). An app on the feeder answers the edge
 * host alone; on the edge host only the containers with a connection to make (the reverse proxy, Seerr) leave towards
 * the feeder, although every container's traffic arrives there masqueraded from the edge host's own address.
 * Docker's rules are simulated inside each host (network namespaces as containers); only those containers change.
 */
jest.setTimeout(240_000);

const PROXY_SUBNET = "172.30.10.0/24";
const STRAY_PORT = 17999;

let edge: SshHost;
let feeder: SshHost;
/** The private link between the hosts, and a machine on it that is neither. */
let link: PrivateLink;
let stranger: string;
/** On the edge host's own network: the internet as the edge host's public ports see it. */
let internet: string;
let edgePrivate: string;
let feederPrivate: string;
let scripts: { edge: { packages: HostScript; ufw: HostScript }; feeder: { packages: HostScript; ufw: HostScript } };
/** What the plan publishes on the feeder's private address: Sonarr's web port, Prowlarr's (Seerr never needs it). */
let sonarr: { hostPort: number; containerPort: number };
let prowlarr: { hostPort: number; containerPort: number };

/** On the edge host: the proxy at its fixed address on its own network, Seerr on its edge network, and an app whose edge network has no business on the feeder (Grafana's). */
const proxyNet: SimNetwork = { name: "proxy", subnet: edgeSlot(PROXY_SUBNET, 0).subnet, gateway: edgeSlot(PROXY_SUBNET, 0).gateway, address: edgeSlot(PROXY_SUBNET, 0).proxyAddress };
const seerrNet: SimNetwork = { name: "seerr", subnet: edgeSubnetOf(PROXY_SUBNET, "overseerr"), gateway: "172.30.10.161", address: "172.30.10.164" };
const rogueNet: SimNetwork = { name: "rogue", subnet: edgeSubnetOf(PROXY_SUBNET, "grafana"), gateway: "172.30.10.105", address: "172.30.10.108" };

function docker(...args: string[]): string {
    const r = spawnSync("docker", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
}

/** Whether a TCP connection from `from` (a container, or a network namespace inside one) opens within 2 s. */
function opens(from: string, addr: string, port: number, netns?: string): boolean {
    return execIn(from, `${netns ? `ip netns exec ${netns} ` : ""}nc -z -w 2 ${addr} ${port}`).code === 0;
}

/** Packets counted so far by one rule of a host's filter table (its iptables-save line without the counters); none when it is missing. */
function packets(h: SshHost, rule: string): number | undefined {
    const line = h.exec("iptables-save -c -t filter").split("\n").find((l) => l.replace(/^\[\d+:\d+\] /, "") === rule);
    return line ? Number(/^\[(\d+):/.exec(line)![1]) : undefined;
}

function apply(h: SshHost, s: { packages: HostScript; ufw: HostScript }): void {
    h.sshOk(s.packages.create);
    h.sshOk(s.ufw.create);
}

beforeAll(async () => {
    const t0 = Date.now();
    edge = SshHost.start("fw2-edge");
    feeder = SshHost.start("fw2-feeder");
    link = PrivateLink.join("fw2", [edge, feeder]);
    edgePrivate = link.addressOf(edge.name);
    feederPrivate = link.addressOf(feeder.name);
    stranger = `monsterr-test-fw2-stranger-${process.pid}`;
    docker("run", "-d", "--name", stranger, "--label", "monsterr-test=1", "--network", link.name, IMAGE, "sleep", "600");
    internet = edge.startClient();
    execIn(internet, `ip route add ${SIM.subnet} via ${edge.ip}`);
    console.log(`two hosts, the link and the clients up: ${Date.now() - t0} ms`);

    const t1 = Date.now();
    // Pulumi.split.yaml with the disposable hosts' addresses: ssh on each host's own network, the link as the private one.
    const p = await plan("split", {
        host: { type: "ssh", address: edge.ip, port: 22, user: edge.user, hostKey: edge.hostKey, privateAddress: edgePrivate, dataShare: "nas" },
        hosts: { feeder: { address: feeder.ip, port: 22, user: feeder.user, hostKey: feeder.hostKey, privateAddress: feederPrivate, dataShare: "nas" } },
    });
    console.log(`split plan: ${Date.now() - t1} ms`);
    const pair = (re: RegExp) => {
        const [packages, ufw] = hostScripts(p, re);
        return { packages, ufw };
    };
    scripts = { edge: pair(/^monsterr-core-firewall-(packages|ufw)$/), feeder: pair(/^monsterr-feeder-firewall-(packages|ufw)$/) };
    const privatelyPublished = (service: string) => {
        const ports = (p.container(service)?.ports ?? []) as { external: number; internal: number; ip?: string }[];
        const port = ports.find((x) => x.ip === feederPrivate);
        if (!port) throw new Error(`${service} publishes nothing on the feeder's private address: ${JSON.stringify(ports)}`);
        return { hostPort: port.external, containerPort: port.internal };
    };
    sonarr = privatelyPublished("sonarr");
    prowlarr = privatelyPublished("prowlarr");

    // The feeder's Docker: Sonarr and Prowlarr on their own networks, each published on the private address only,
    // and a port someone published by hand on that address, which no rule of the policy names.
    feeder.exec(
        [
            dockerBaseScript(),
            dockerNetworkScript({
                name: "sonarr", subnet: edgeSubnetOf(PROXY_SUBNET, "sonarr"), gateway: "172.30.10.17", address: "172.30.10.20",
                publish: [{ ...sonarr, hostIp: feederPrivate }, { hostPort: STRAY_PORT, containerPort: 9999, hostIp: feederPrivate }],
            }),
            dockerNetworkScript({ name: "prowlarr", subnet: edgeSubnetOf(PROXY_SUBNET, "prowlarr"), gateway: "172.30.10.65", address: "172.30.10.68", publish: [{ ...prowlarr, hostIp: feederPrivate }] }),
        ].join("\n"),
    );
    // The edge host's Docker: dockerSim's app publishing the public port (and a stray one), and the three edge networks.
    edge.exec([dockerSimScript(), ...[proxyNet, seerrNet, rogueNet].map(dockerNetworkScript)].join("\n"));
});

afterAll(() => {
    if (stranger) spawnSync("docker", ["rm", "-f", stranger]);
    edge?.stop();
    feeder?.stop();
    link?.remove();
});

describe("the split stack's firewalls on two disposable ssh hosts", () => {
    it("plans each host's firewall, Sonarr and Prowlarr published on the feeder's private address", () => {
        expect([scripts.edge.packages.name, scripts.edge.ufw.name]).toEqual(["monsterr-core-firewall-packages", "monsterr-core-firewall-ufw"]);
        expect([scripts.feeder.packages.name, scripts.feeder.ufw.name]).toEqual(["monsterr-feeder-firewall-packages", "monsterr-feeder-firewall-ufw"]);
        expect(sonarr).toEqual({ hostPort: 17050, containerPort: 8989 });
        expect(prowlarr.containerPort).toBe(9696);
    });

    it("before any firewall, the stranger and every container of the edge host reach Sonarr on the feeder", () => {
        expect(opens(stranger, feederPrivate, sonarr.hostPort)).toBe(true);
        expect(opens(edge.name, feederPrivate, sonarr.hostPort, rogueNet.name)).toBe(true);
    });

    describe("the feeder", () => {
        let firstApply: string;

        it("applies its firewall over ssh", () => {
            const t0 = Date.now();
            apply(feeder, scripts.feeder);
            console.log(`feeder firewall applied over ssh: ${Date.now() - t0} ms`);
            firstApply = filterTable(feeder);
            expect(firstApply).toContain(":INPUT DROP [0:0]");
            expect(chain(firstApply, "DOCKER-USER")).toContain(
                `-A DOCKER-USER -s ${edgePrivate}/32 -p tcp -m conntrack --ctstate DNAT --ctorigdstport ${sonarr.hostPort} -m comment --comment "monsterr:sonarr" -j RETURN`,
            );
        });

        it("lets the edge host's private address reach Sonarr's private port, and not the stranger", () => {
            // The edge host's own connections leave from its private address: that is the source the rule admits.
            expect(edge.exec(`ip route get ${feederPrivate}`)).toContain(`src ${edgePrivate}`);
            expect(opens(edge.name, feederPrivate, sonarr.hostPort)).toBe(true);
            expect(opens(stranger, feederPrivate, sonarr.hostPort)).toBe(false);
        });

        it("keeps a port published by hand on the private address closed to both, and sshd open", () => {
            expect(opens(edge.name, feederPrivate, STRAY_PORT)).toBe(false);
            expect(opens(stranger, feederPrivate, STRAY_PORT)).toBe(false);
            expect(opens(stranger, feederPrivate, 22)).toBe(true);
        });

        it("applying twice changes nothing", () => {
            apply(feeder, scripts.feeder);
            expect(filterTable(feeder)).toEqual(firstApply);
        });
    });

    describe("the edge host", () => {
        let firstApply: string;
        // As iptables-save prints `-i br-+ -d <feeder>/32 -j DROP`.
        const dropToFeeder = () => `-A DOCKER-USER -d ${feederPrivate}/32 -i br-+ -j DROP`;

        it("applies its firewall over ssh", () => {
            const t0 = Date.now();
            apply(edge, scripts.edge);
            console.log(`edge firewall applied over ssh: ${Date.now() - t0} ms`);
            firstApply = filterTable(edge);
            expect(firstApply).toContain(":INPUT DROP [0:0]");
            const rules = chain(firstApply, "DOCKER-USER");
            expect(rules).toContain(dropToFeeder());
            // The rogue's edge network is named by no allowance: a test that proves nothing would otherwise pass.
            expect(rules.filter((r) => r.includes(`-s ${rogueNet.subnet} `) || r.includes(`-s ${rogueNet.address}/32 `))).toEqual([]);
        });

        it("lets the reverse proxy reach Sonarr and Prowlarr on the feeder, through the edge host's masquerade", () => {
            expect(opens(edge.name, feederPrivate, sonarr.hostPort, proxyNet.name)).toBe(true);
            expect(opens(edge.name, feederPrivate, prowlarr.hostPort, proxyNet.name)).toBe(true);
        });

        it("drops another container's connection to the feeder on the edge host, which the feeder would admit", () => {
            const before = packets(edge, dropToFeeder()) ?? 0;
            expect(opens(edge.name, feederPrivate, sonarr.hostPort, rogueNet.name)).toBe(false);
            // Dropped by that rule of the edge host, not somewhere on the way.
            expect(packets(edge, dropToFeeder())).toBeGreaterThan(before);
            // A container on any other Docker network (dockerSim's app) is dropped too.
            expect(opens(edge.name, feederPrivate, sonarr.hostPort, "app")).toBe(false);
            // Its packets would leave masqueraded to the edge host's private address, which the feeder admits. (So does
            // a host-network container on the edge host, Plex or Fail2Ban: DOCKER-USER sees bridged traffic only.)
            expect(opens(edge.name, feederPrivate, sonarr.hostPort)).toBe(true);
        });

        it("lets Seerr reach Sonarr but not Prowlarr, a port it has no connection to", () => {
            expect(opens(edge.name, feederPrivate, sonarr.hostPort, seerrNet.name)).toBe(true);
            expect(opens(edge.name, feederPrivate, prowlarr.hostPort, seerrNet.name)).toBe(false);
        });

        it("keeps the edge host's public ports as on one host: sshd and the proxy open, a stray published port closed", () => {
            expect(opens(internet, edge.ip, 22)).toBe(true);
            expect(opens(stranger, edgePrivate, 22)).toBe(true);
            expect(opens(internet, edge.ip, SIM.publicPort)).toBe(true);
            expect(opens(internet, edge.ip, SIM.strayPublishedPort)).toBe(false);
            expect(opens(internet, SIM.container, SIM.backendPort)).toBe(false);
        });

        it("applying twice changes nothing", () => {
            apply(edge, scripts.edge);
            expect(filterTable(edge)).toEqual(firstApply);
        });
    });
});
