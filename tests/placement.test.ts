import { CATALOG, SERVICE_NAMES, ServiceName, spec } from "../config/catalog";
import { validateEngineConfig } from "../config/load";
import { EDGE_HOST, PRIVATE_PORTS, hostOf, leaderOf, placementOf, privatePort, remotePorts, servicesOn } from "../config/placement";
import { validateConfig } from "../config/validate";
import { isGpuDevice, usesDataTree } from "../config/validatePlacement";
import { readStackConfig } from "../scripts/stackConfig";
import { VPN, issuesOf, minimal } from "./support/config";

/** Several hosts (monsterr:hosts, services.<name>.host): config/placement.ts and the rules of config/validatePlacement.ts. */

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
const EDGE = { type: "ssh", address: "edge.lan", hostKey: KEY, privateAddress: "10.0.0.1", dataShare: "nas" };
const NAS = { address: "nas.lan", hostKey: KEY, privateAddress: "10.0.0.2", dataShare: "nas", gpu: true };
/** A stack of two hosts sharing the data tree (`nas`): the edge host and `nas`, which has a GPU. */
const twoHosts = (services: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({ ...minimal, host: EDGE, hosts: { nas: NAS }, services, ...more });
const keysOf = (raw: Record<string, unknown>, secrets = {}) => issuesOf(raw, secrets).map((i) => i.key);
/** The one issue of a key: its problem and fix, for the message checks. */
const issue = (raw: Record<string, unknown>, key: string) => issuesOf(raw).find((i) => i.key === `monsterr:${key}`);
const enabled = (c: ReturnType<typeof validateConfig>) => CATALOG.filter((s) => c.services[s.name].enabled).map((s) => s.name);

describe("the catalog's placements", () => {
    it("lets the apps move, runs node-exporter, cAdvisor, Fail2Ban and its exporter on every host, keeps everything else on the edge host", () => {
        const by = (p: string) => CATALOG.filter((s) => placementOf(s) === p).map((s) => s.name).sort();
        expect(by("any")).toEqual(["audiobookshelf", "bazarr", "calibre", "lidarr", "nzbget", "overseerr", "plex", "prowlarr", "qbittorrent", "radarr", "readarr", "sonarr", "tautulli", "watchlist"]);
        expect(by("everyHost")).toEqual(["cadvisor", "fail2ban", "fail2ban-exporter", "node-exporter"]);
        expect(placementOf(spec("authelia"))).toBe("edge");
        expect(spec("authelia").placement).toBeUndefined();
    });

    it("has a VPN container follow its client and an exporter its first app that may move", () => {
        expect(leaderOf(spec("gluetun"))).toBe("qbittorrent");
        expect(leaderOf(spec("exportarr-sonarr"))).toBe("sonarr");
        expect(leaderOf(spec("qbittorrent-exporter"))).toBe("qbittorrent");
        // companions of edge services only stay on the edge host
        expect(leaderOf(spec("fail2ban-exporter"))).toBeUndefined();
        expect(leaderOf(spec("alertmanager"))).toBeUndefined();
        expect(leaderOf(spec("sonarr"))).toBeUndefined();
    });

    it("publishes an app's own port and its metrics port once each on another host", () => {
        expect(remotePorts(spec("sonarr"))).toEqual([8989]);
        expect(remotePorts(spec("authelia"))).toEqual([9091, 9959]);
        // grafana's metrics are on its web port: one port
        expect(remotePorts(spec("grafana"))).toEqual([3000]);
        expect(remotePorts(spec("plex"))).toEqual([32400]);
        // the torrent port stays a catalog publish entry, bound as on the edge host
        expect(remotePorts(spec("qbittorrent"))).toEqual([8080]);
    });

    it("knows what mounts the data tree to write in it, and what a GPU is", () => {
        expect(CATALOG.filter(usesDataTree).map((s) => s.name).sort()).toEqual(["audiobookshelf", "bazarr", "calibre", "lidarr", "nzbget", "plex", "qbittorrent", "radarr", "readarr", "sonarr"]);
        expect(["/dev/dri", "/dev/dri/renderD128", "/dev/drizzle", "/dev/kmsg"].map(isGpuDevice)).toEqual([true, true, false, false]);
    });
});

describe("a stack of one host", () => {
    it.each<[string, () => ReturnType<typeof validateConfig>]>([
        ["the smallest stack", () => validateConfig(minimal)],
        ["an ssh stack", () => validateConfig({ ...minimal, host: { type: "ssh", address: "h.example.com", hostKey: KEY } })],
        ["Pulumi.dev.yaml", () => validateEngineConfig(readStackConfig("dev").values, () => true)],
        ["Pulumi.prod.yaml", () => validateEngineConfig(readStackConfig("prod").values, () => true)],
    ])("%s: no other host, every service on the edge host, the host as before", (_what, load) => {
        const c = load();
        expect(c.hosts).toEqual({});
        expect(Object.values(c.services).map((s) => s.host)).toEqual(SERVICE_NAMES.map(() => EDGE_HOST));
        for (const name of SERVICE_NAMES) expect(hostOf(c, name)).toBe(EDGE_HOST);
        expect(servicesOn(c, EDGE_HOST)).toEqual(enabled(c));
        expect(Object.keys(c.host).some((k) => ["privateAddress", "gpu", "dataShare"].includes(k))).toBe(false);
    });

    it("takes the new host fields without other hosts", () => {
        expect(validateConfig({ ...minimal, host: { type: "local", privateAddress: "192.168.1.10", gpu: "true", dataShare: "nas" } }).host).toEqual({ kind: "local", dockerHost: "unix:///var/run/docker.sock", privateAddress: "192.168.1.10", gpu: true, dataShare: "nas" });
        expect(validateConfig({ ...minimal, services: { plex: { host: "edge" }, authelia: { host: "edge" } } }).services.plex.host).toBe(EDGE_HOST);
    });
});

describe("a stack of two hosts", () => {
    it("places the apps it is told to, their followers beside them, the rest on the edge host", () => {
        const c = validateConfig(twoHosts({ plex: { host: "nas", devices: ["/dev/dri"] }, sonarr: { host: "nas" }, qbittorrent: { host: "nas" }, cadvisor: { enabled: false }, watchlist: { enabled: false } }, VPN), { vpnWireguardPrivateKey: true });
        expect(c.hosts).toEqual({ nas: { kind: "ssh", address: "nas.lan", port: 22, sshdPort: 22, user: "root", hostKey: KEY, privateAddress: "10.0.0.2", gpu: true, dataShare: "nas" } });
        expect(c.host).toMatchObject({ kind: "ssh", privateAddress: "10.0.0.1", dataShare: "nas" });
        const on = (h: string) => Object.entries(c.services).filter(([, s]) => s.host === h).map(([n]) => n).sort();
        expect(on("nas")).toEqual(["exportarr-sonarr", "gluetun", "plex", "qbittorrent", "qbittorrent-exporter", "sonarr"]);
        expect(hostOf(c, "gluetun")).toBe("nas");
        expect(hostOf(c, "authelia")).toBe(EDGE_HOST);
        // node-exporter says edge and runs on every other host too
        expect(hostOf(c, "node-exporter")).toBe(EDGE_HOST);
        expect(servicesOn(c, "nas")).toEqual(["fail2ban", "plex", "sonarr", "gluetun", "qbittorrent", "node-exporter", "fail2ban-exporter", "exportarr-sonarr", "qbittorrent-exporter"]);
        expect(servicesOn(c, EDGE_HOST)).toEqual(enabled(c).filter((n) => !["plex", "sonarr", "gluetun", "qbittorrent", "exportarr-sonarr", "qbittorrent-exporter"].includes(n)));
        expect(servicesOn(c, "nowhere")).toEqual([]);
    });

    it("accepts a follower set to its app's own host, every data app on one other host without a share, sshd elsewhere", () => {
        const apps = ["plex", "sonarr", "radarr", "lidarr", "bazarr", "qbittorrent", "nzbget", "readarr", "calibre", "audiobookshelf", "prowlarr", "watchlist"];
        const services: Record<string, unknown> = Object.fromEntries(apps.map((a) => [a, { host: "nas" }]));
        services["exportarr-sonarr"] = { host: "nas" };
        const c = validateConfig({ ...minimal, host: { type: "local", privateAddress: "10.0.0.1" }, hosts: { nas: { address: "nas.lan", hostKey: KEY, privateAddress: "10.0.0.2", sshdPort: 2222 } }, services });
        expect(hostOf(c, "exportarr-sonarr")).toBe("nas");
        expect(c.hosts.nas).toMatchObject({ gpu: false, sshdPort: 2222 });
        expect(c.hosts.nas.dataShare).toBeUndefined();
    });

    it("refuses a remote host that is no SSH host, or misses what it needs, naming each key", () => {
        expect(keysOf({ ...minimal, host: EDGE, hosts: { nas: { type: "local", dockerHost: "unix:///var/run/docker.sock", address: "nas.lan", hostKey: KEY, privateAddress: "10.0.0.2" } } })).toEqual(["monsterr:hosts.nas.dockerHost", "monsterr:hosts.nas.type"]);
        expect(keysOf({ ...minimal, host: EDGE, hosts: { nas: { address: "nas.lan" } } })).toEqual(["monsterr:hosts.nas.hostKey", "monsterr:hosts.nas.privateAddress"]);
        expect(issue({ ...minimal, host: EDGE, hosts: { nas: { address: "nas.lan", hostKey: KEY } } }, "hosts.nas.privateAddress")!.fix).toMatch(/pulumi config set --path 'monsterr:hosts.nas.privateAddress'/);
        expect(issue({ ...minimal, host: EDGE, hosts: { nas: { address: "nas.lan", privateAddress: "10.0.0.2" } } }, "hosts.nas.hostKey")!.fix).toMatch(/'monsterr:hosts.nas.hostKey'.*ssh-keyscan|ssh-keyscan.*'monsterr:hosts.nas.hostKey'/);
        expect(issue({ ...minimal, host: EDGE, hosts: { nas: { ...NAS, dockerHost: "unix:///x" } } }, "hosts.nas.dockerHost")).toMatchObject({ problem: expect.stringMatching(/over SSH/), fix: expect.stringMatching(/pulumi config rm --path 'monsterr:hosts.nas.dockerHost'/) });
    });

    it.each<[string, Record<string, unknown>, string, RegExp]>([
        ["a host named edge", { edge: NAS }, "monsterr:hosts.edge", /another name/],
        ["a host name with capitals", { NAS }, "monsterr:hosts.NAS", /lower-case/],
        ["a host name too long", { ["n".repeat(32)]: NAS }, `monsterr:hosts.${"n".repeat(32)}`, /up to 31/],
        ["a loopback private address", { nas: { ...NAS, privateAddress: "127.0.0.1" } }, "monsterr:hosts.nas.privateAddress", /ip -4 addr/],
        ["a private address with a prefix", { nas: { ...NAS, privateAddress: "10.0.0.2/24" } }, "monsterr:hosts.nas.privateAddress", /10.0.0.2/],
        ["a private address with leading zeros", { nas: { ...NAS, privateAddress: "10.0.0.02" } }, "monsterr:hosts.nas.privateAddress", /ip -4 addr/],
        ["gpu that is no boolean", { nas: { ...NAS, gpu: "yes" } }, "monsterr:hosts.nas.gpu", /true or false/],
        ["a data share with a space", { nas: { ...NAS, dataShare: "my nas" } }, "monsterr:hosts.nas.dataShare", /e.g. nas/],
        ["an unknown field", { nas: { ...NAS, docker: "x" } }, "monsterr:hosts.nas.docker", /known fields/],
        ["a bad address", { nas: { ...NAS, address: "nas lan" } }, "monsterr:hosts.nas.address", /monsterr:hosts.<name>.address/],
        ["a port out of range", { nas: { ...NAS, port: 0 } }, "monsterr:hosts.nas.port", /usually 22/],
        ["hosts that is no object", "nas" as unknown as Record<string, unknown>, "monsterr:hosts", /monsterr:hosts.nas.address/],
    ])("refuses %s, naming the key and the fix", (_what, hosts, key, fix) => {
        const found = issuesOf({ ...minimal, host: EDGE, hosts }).find((i) => i.key === key);
        expect(found).toBeDefined();
        expect(found!.fix).toMatch(fix);
    });

    it("refuses a service host that is no host name, and a plain-text SSH key with only other hosts on SSH", () => {
        expect(keysOf(twoHosts({ plex: { host: "NAS!" } }))).toEqual(["monsterr:services.plex.host"]);
        expect(keysOf({ ...minimal, host: { type: "local", privateAddress: "10.0.0.1" }, hosts: { nas: NAS } }, { sshPrivateKey: false })).toEqual(["monsterr:sshPrivateKey"]);
    });
});

describe("the placement rules, each naming the key, the problem and the fix", () => {
    describe("1. a host that exists, a service where the catalog lets it run, a follower beside its app", () => {
        it("refuses a host the stack does not have", () => {
            expect(issue(twoHosts({ plex: { host: "gpu" } }), "services.plex.host")).toMatchObject({ problem: "'gpu' is not a host of the stack", fix: "use edge or one of: nas" });
            expect(issue({ ...minimal, services: { plex: { host: "nas" } } }, "services.plex.host")!.fix).toMatch(/add it to monsterr:hosts first.*or use edge/);
        });

        it("refuses an edge service on another host, and an every-host exporter on one host", () => {
            expect(issue(twoHosts({ authelia: { host: "nas" } }), "services.authelia.host")).toMatchObject({ problem: expect.stringMatching(/is nas, but authelia runs on the edge host only/), fix: expect.stringMatching(/pulumi config rm --path 'monsterr:services.authelia.host'.*plex, sonarr/) });
            expect(keysOf(twoHosts({ prometheus: { host: "nas" }, "nginx-proxy-manager": { host: "nas" } }))).toEqual(["monsterr:services.nginx-proxy-manager.host", "monsterr:services.prometheus.host"]);
            expect(issue(twoHosts({ "node-exporter": { host: "nas" } }), "services.node-exporter.host")!.problem).toMatch(/runs on every host already/);
        });

        it("refuses a follower set to another host than its app's", () => {
            expect(issue(twoHosts({ sonarr: { host: "nas" }, "exportarr-sonarr": { host: "edge" } }), "services.exportarr-sonarr.host")).toMatchObject({
                problem: "is edge, but exportarr-sonarr runs beside sonarr, which is on nas",
                fix: expect.stringMatching(/pulumi config rm --path 'monsterr:services.exportarr-sonarr.host'.*services.sonarr.host/),
            });
            expect(keysOf(twoHosts({ gluetun: { host: "nas" } }, VPN), { vpnWireguardPrivateKey: true })).toEqual(["monsterr:services.gluetun.host"]);
            expect(keysOf(twoHosts({ "exportarr-radarr": { host: "nas" } }))).toEqual(["monsterr:services.exportarr-radarr.host"]);
        });
    });

    describe("2. the private addresses", () => {
        it("requires the edge host's once there are other hosts", () => {
            expect(issue({ ...minimal, host: { ...EDGE, privateAddress: undefined }, hosts: { nas: NAS } }, "host.privateAddress")).toMatchObject({ problem: expect.stringMatching(/required once monsterr:hosts/), fix: expect.stringMatching(/pulumi config set --path monsterr:host.privateAddress/) });
        });

        it("refuses two hosts at one address", () => {
            expect(issue({ ...minimal, host: EDGE, hosts: { nas: { ...NAS, privateAddress: "10.0.0.1" } } }, "hosts.nas.privateAddress")!.problem).toBe("'10.0.0.1' is also the edge host's private address");
            expect(keysOf({ ...minimal, host: EDGE, hosts: { nas: NAS, gpu: { ...NAS, address: "gpu.lan" } } })).toEqual(["monsterr:hosts.gpu.privateAddress"]);
        });

        it("refuses an address inside the Docker networks", () => {
            expect(issue({ ...minimal, host: { ...EDGE, privateAddress: "172.30.10.9" }, hosts: { nas: NAS } }, "host.privateAddress")).toMatchObject({ problem: expect.stringMatching(/inside networks.proxySubnet \(172.30.10.0\/24\)/), fix: expect.stringMatching(/move networks.proxySubnet/) });
            expect(issue({ ...minimal, host: EDGE, hosts: { nas: { ...NAS, privateAddress: "10.9.0.7" } }, networks: { backendSubnet: "10.9.0.0/16" } }, "hosts.nas.privateAddress")!.problem).toMatch(/inside networks.backendSubnet/);
        });
    });

    describe("3. one data tree for the apps that hardlink in it", () => {
        it("refuses data apps on two hosts that share no tree, naming the one that moved", () => {
            const noShare = { ...minimal, host: { ...EDGE, dataShare: undefined }, hosts: { nas: NAS }, services: { qbittorrent: { host: "nas" }, cadvisor: { enabled: false } } };
            expect(issuesOf(noShare)).toEqual([
                { key: "monsterr:services.qbittorrent.host", problem: expect.stringMatching(/is nas, but qbittorrent shares the data tree .* on edge, and edge names no dataShare/), fix: expect.stringMatching(/one host.*same dataShare \(hosts.nas.dataShare, host.dataShare\)/) },
            ]);
            const otherShare = { ...noShare, host: EDGE, hosts: { nas: { ...NAS, dataShare: "other" } } };
            expect(issue(otherShare, "services.qbittorrent.host")!.problem).toMatch(/nas's dataShare is other, not nas/);
            const oneSided = { ...noShare, host: EDGE, hosts: { nas: { ...NAS, dataShare: undefined } } };
            expect(issue(oneSided, "services.qbittorrent.host")!.problem).toMatch(/nas names no dataShare/);
        });

        it("accepts them on hosts with one dataShare, and apps outside the tree anywhere", () => {
            expect(() => validateConfig(twoHosts({ qbittorrent: { host: "nas" }, cadvisor: { enabled: false } }))).not.toThrow();
            expect(() => validateConfig({ ...minimal, host: { type: "local", privateAddress: "10.0.0.1" }, hosts: { nas: { ...NAS, dataShare: undefined } }, services: { tautulli: { host: "nas" }, overseerr: { host: "nas" } } })).not.toThrow();
        });
    });

    describe("4. one port per host", () => {
        it("gives each app its own private port block: apps sharing a container port live on one host", () => {
            // qBittorrent and Calibre answer on 8080, cAdvisor too, and every exportarr on 9707
            expect(() => validateConfig(twoHosts({ qbittorrent: { host: "nas" }, calibre: { host: "nas" }, sonarr: { host: "nas" }, radarr: { host: "nas" }, watchlist: { host: "nas" } }))).not.toThrow();
            const ports = ["qbittorrent", "calibre", "cadvisor", "exportarr-sonarr", "exportarr-radarr"].map((n) => privatePort(spec(n as ServiceName), spec(n as ServiceName).metrics?.port ?? spec(n as ServiceName).port));
            expect(new Set(ports).size).toBe(ports.length);
            for (const p of ports) expect(p >= PRIVATE_PORTS.first && p <= PRIVATE_PORTS.last).toBe(true);
            // a host-network app is reached on its own socket
            expect(privatePort(spec("plex"), 32400)).toBe(32400);
        });

        it("keeps a port where it was when the catalog grows: blocks follow SERVICE_NAMES order", () => {
            expect(privatePort(spec("sonarr"), 8989)).toBe(PRIVATE_PORTS.first + 10 * SERVICE_NAMES.indexOf("sonarr"));
            expect(() => privatePort(spec("sonarr"), 1234)).toThrow(/not on 1234/);
        });

        it("refuses sshd or the torrent port in the private range, and sshd on a published port", () => {
            expect(issue({ ...minimal, host: EDGE, hosts: { nas: { ...NAS, sshdPort: 17100 } } }, "hosts.nas.sshdPort")).toMatchObject({ problem: expect.stringMatching(/in 17000-\d+, where apps answer/), fix: expect.stringMatching(/move sshd outside/) });
            expect(issue(twoHosts({}, { torrentPort: 17001 }), "torrentPort")!.fix).toMatch(/outside 17000-/);
            // a single host has no private range
            expect(() => validateConfig({ ...minimal, torrentPort: 17001 })).not.toThrow();
            const torrent = twoHosts({ qbittorrent: { host: "nas" } });
            expect(issue({ ...torrent, hosts: { nas: { ...NAS, sshdPort: 51413 } }, torrentPort: 51413 }, "services.qbittorrent.host")!.problem).toMatch(/where sshd \(hosts.nas.sshdPort\) already uses port 51413\/tcp/);
            expect(issue({ ...torrent, services: { plex: { host: "nas" } }, hosts: { nas: { ...NAS, sshdPort: 32400 } } }, "hosts.nas.sshdPort")!.problem).toMatch(/32400 is a port the stack publishes/);
        });
    });

    describe("5. Pulsarr beside Sonarr and Radarr", () => {
        it("refuses it on another host than either, whose webhooks call http://watchlist:3003", () => {
            expect(issuesOf(twoHosts({ sonarr: { host: "nas" } }))).toEqual([
                { key: "monsterr:services.watchlist.host", problem: "is edge, but sonarr runs on nas: Pulsarr's webhook there is http://watchlist:3003, a name only its own host resolves", fix: expect.stringMatching(/services.watchlist.host nas/) },
            ]);
            expect(() => validateConfig(twoHosts({ sonarr: { host: "nas" }, radarr: { host: "nas" }, watchlist: { host: "nas" } }))).not.toThrow();
            expect(() => validateConfig(twoHosts({ sonarr: { host: "nas" }, watchlist: { enabled: false } }))).not.toThrow();
        });
    });

    describe("6. a GPU where an app is given /dev/dri", () => {
        it("refuses /dev/dri on a host without one", () => {
            const noGpu = { ...minimal, host: EDGE, hosts: { nas: { ...NAS, gpu: undefined } }, services: { plex: { host: "nas", devices: ["/dev/dri"] } } };
            expect(issuesOf(noGpu)).toEqual([{ key: "monsterr:services.plex.devices", problem: "lists /dev/dri, but plex runs on nas, a host without a GPU (hosts.nas.gpu false)", fix: expect.stringMatching(/set hosts.nas.gpu true/) }]);
            expect(() => validateConfig({ ...noGpu, hosts: { nas: NAS } })).not.toThrow();
        });

        it("checks the edge host only when host.gpu says false", () => {
            const edgePlex = (gpu: unknown) => ({ ...minimal, host: { type: "local", ...(gpu === undefined ? {} : { gpu }) }, services: { plex: { devices: ["/dev/dri/renderD128"] } } });
            expect(() => validateConfig(edgePlex(undefined))).not.toThrow();
            expect(() => validateConfig(edgePlex(true))).not.toThrow();
            expect(issue(edgePlex(false), "services.plex.devices")!.problem).toBe("lists /dev/dri/renderD128, but plex runs on edge, a host without a GPU (host.gpu false)");
        });
    });

    it("reports every broken rule at once", () => {
        const all = { ...minimal, host: { ...EDGE, dataShare: undefined, gpu: false }, hosts: { nas: { ...NAS, privateAddress: "10.0.0.1", gpu: false } }, services: { authelia: { host: "nas" }, qbittorrent: { host: "nas" }, plex: { devices: ["/dev/dri"] } } };
        expect(keysOf(all)).toEqual(["monsterr:hosts.nas.privateAddress", "monsterr:services.authelia.host", "monsterr:services.qbittorrent.host", "monsterr:services.plex.devices"]);
    });
});

describe("every service's host", () => {
    it("is the edge host or one of the stack's, and a follower's is its app's", () => {
        const c = validateConfig(twoHosts({ sonarr: { host: "nas" }, radarr: { host: "nas" }, overseerr: { host: "nas" }, watchlist: { host: "nas" } }));
        for (const s of CATALOG) {
            expect([EDGE_HOST, "nas"]).toContain(c.services[s.name].host);
            const leader = leaderOf(s) as ServiceName | undefined;
            if (leader) expect([s.name, c.services[s.name].host]).toEqual([s.name, c.services[leader].host]);
        }
    });
});
