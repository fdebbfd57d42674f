import { PRIVATE_PORTS } from "../config/placement";
import { plan } from "./support/plan";

/** The only ports the internet may reach: the reverse proxy, Plex, and the torrent peer port. */
const PUBLIC = (torrentPort: number) => new Set([`80/tcp`, `443/tcp`, `32400/tcp`, `${torrentPort}/tcp`, `${torrentPort}/udp`]);

describe.each([
    ["dev", 6881],
    ["prod", 51413],
] as const)("exposure audit of the %s stack", (stack, torrentPort) => {
    it("publishes only 80/443, Plex and the torrent port, each exactly once", async () => {
        const p = await plan(stack);
        const published = p.containers().flatMap((c) => (c.ports ?? []).map((port: { external: number; protocol: string }) => `${port.external}/${port.protocol}`));
        for (const port of published) expect(PUBLIC(torrentPort)).toContain(port);
        expect(new Set(published).size).toBe(published.length);
        expect(published.sort()).toEqual(["443/tcp", "80/tcp", `${torrentPort}/tcp`, `${torrentPort}/udp`].sort());
    });

    it("never publishes an admin UI: NPM's 81, Portainer, the *arr apps stay on Docker networks", async () => {
        const p = await plan(stack);
        const npm = p.container("nginx-proxy-manager")!;
        expect(npm.ports.map((x: { internal: number }) => x.internal)).not.toContain(81);
        for (const name of ["portainer", "sonarr", "radarr", "prowlarr", "qbittorrent", "grafana", "prometheus", "authelia", "redis"]) {
            const c = p.container(name);
            expect({ name, deployed: c !== undefined }).toEqual({ name, deployed: true });
            expect({ name, ports: c!.ports ?? [] }).toEqual({ name, ports: name === "qbittorrent" ? expect.any(Array) : [] });
        }
        expect(p.container("qbittorrent")!.ports.map((x: { internal: number }) => x.internal)).not.toContain(8080);
    });

    it("trusts identity headers only from the reverse proxy's fixed address, and reaches Plex at the pinned gateway", async () => {
        const p = await plan(stack);
        const npm = p.container("nginx-proxy-manager")!;
        const addressOn = (net: string) => npm.networksAdvanced.find((n: { name: string }) => n.name === net)?.ipv4Address;
        expect(addressOn("monsterr-proxy")).toBe("172.30.10.2");
        // Grafana trusts Remote-User only from NPM's address on Grafana's own edge network.
        const grafanaNet = p.byType("docker:index/network:Network").map((r) => r.inputs as any).find((n) => n.name === "monsterr-edge-grafana")!;
        expect(grafanaNet.ipamConfigs).toEqual([{ subnet: "172.30.10.104/29", gateway: "172.30.10.105", ipRange: "172.30.10.108/30" }]);
        expect(addressOn("monsterr-edge-grafana")).toBe("172.30.10.106");
        expect(p.container("grafana")!.envs).toContain("GF_AUTH_PROXY_WHITELIST=172.30.10.106");
        const net = p.byType("docker:index/network:Network").map((r) => r.inputs).find((n) => n.name === "monsterr-proxy")!;
        expect(net.ipamConfigs).toEqual([{ subnet: "172.30.10.0/29", gateway: "172.30.10.1", ipRange: "172.30.10.4/30" }]);
        const plexHost = p.resources.find((r) => r.name.includes("plex") && JSON.stringify(r.inputs).includes("forwardHost"));
        expect(JSON.stringify(plexHost?.inputs)).toContain('"forwardHost":"172.30.10.1"');
    });

    it("keeps every fixed address (gateway, reverse proxy) outside the range Docker hands out", async () => {
        const p = await plan(stack);
        const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const inRange = (addr: string, cidr: string) => {
            const [base, bits] = cidr.split("/");
            const size = 2 ** (32 - Number(bits));
            return toInt(addr) >= toInt(base) && toInt(addr) < toInt(base) + size;
        };
        const npm = p.container("nginx-proxy-manager")!;
        for (const r of p.byType("docker:index/network:Network")) {
            const n = r.inputs as { name: string; internal?: boolean; ipamConfigs: { subnet: string; gateway: string; ipRange?: string }[] };
            if (n.internal) continue;
            const [ipam] = n.ipamConfigs;
            const fixed = npm.networksAdvanced.find((a: { name: string }) => a.name === n.name)?.ipv4Address;
            expect({ net: n.name, ipRange: typeof ipam.ipRange }).toEqual({ net: n.name, ipRange: "string" });
            expect({ net: n.name, gatewayInRange: inRange(ipam.gateway, ipam.ipRange!), proxyInRange: inRange(fixed, ipam.ipRange!), proxyInSubnet: inRange(fixed, ipam.subnet) }).toEqual({
                net: n.name,
                gatewayInRange: false,
                proxyInRange: false,
                proxyInSubnet: true,
            });
        }
    });

    it("gives each routed app a network of its own with the reverse proxy, so no app reaches another's web port", async () => {
        const p = await plan(stack);
        const members = new Map<string, string[]>();
        for (const c of p.containers()) for (const n of c.networksAdvanced ?? []) members.set(n.name, [...(members.get(n.name) ?? []), c.name]);
        const routed = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => r.inputs.forwardHost).filter((h): h is string => typeof h === "string" && !/^\d+\./.test(h));
        for (const app of routed) expect({ app, members: members.get(`monsterr-edge-${app}`)?.sort() }).toEqual({ app, members: [app, "nginx-proxy-manager"].sort() });
        expect(members.get("monsterr-proxy")).toEqual(["nginx-proxy-manager"]);
        for (const [net, names] of members) {
            if (!net.startsWith("monsterr-edge-")) continue;
            expect({ net, size: names.length, proxy: names.includes("nginx-proxy-manager") }).toEqual({ net, size: 2, proxy: true });
        }
    });

    it("keeps every bridge container off Docker's default bridge, and Redis with Authelia alone on an internal network", async () => {
        const p = await plan(stack);
        const networks = p.byType("docker:index/network:Network").map((r) => r.inputs as { name: string; internal?: boolean });
        for (const c of p.containers().filter((c) => c.networkMode !== "host")) {
            expect(networks.map((n) => n.name)).toContain(c.networkMode);
        }
        const redis = p.container("redis")!;
        expect(redis.networksAdvanced.map((n: { name: string }) => n.name)).toEqual(["monsterr-sessions"]);
        const onSessions = p.containers().filter((c) => (c.networksAdvanced ?? []).some((n: { name: string }) => n.name === "monsterr-sessions")).map((c) => c.name);
        expect(onSessions.sort()).toEqual(["authelia", "redis"]);
        for (const name of ["monsterr-backend", "monsterr-metrics", "monsterr-sessions"]) expect(networks.find((n) => n.name === name)).toMatchObject({ internal: true });
    });
});

describe("exposure audit of the split stack (two hosts)", () => {
    it("on the feeder, binds every app port to the private address in the private range; only the torrent port is public", async () => {
        const p = await plan("split");
        const ports = p.containers().flatMap((c) => (c.ports ?? []).map((x: { ip: string; external: number; protocol: string }) => ({ name: c.name as string, ...x })));
        for (const x of ports.filter((x) => x.ip !== "0.0.0.0")) {
            expect({ name: x.name, ip: x.ip, inRange: x.external >= PRIVATE_PORTS.first && x.external <= PRIVATE_PORTS.last }).toEqual({ name: x.name, ip: "10.10.0.2", inRange: true });
        }
        expect(ports.filter((x) => x.ip === "0.0.0.0").map((x) => `${x.name} ${x.external}/${x.protocol}`).sort()).toEqual(["nginx-proxy-manager 443/tcp", "nginx-proxy-manager 80/tcp", "qbittorrent 51413/tcp", "qbittorrent 51413/udp"]);
    });

    it("keeps each app on the feeder alone on its own network (no proxy there), and only exporters on monsterr-published", async () => {
        const p = await plan("split");
        const members = new Map<string, string[]>();
        for (const c of p.containers()) for (const n of c.networksAdvanced ?? []) members.set(n.name, [...(members.get(n.name) ?? []), c.name]);
        for (const app of ["sonarr", "radarr", "lidarr", "readarr", "prowlarr", "bazarr", "qbittorrent", "nzbget", "watchlist"]) expect({ app, members: members.get(`monsterr-edge-${app}`) }).toEqual({ app, members: [app] });
        for (const name of members.get("monsterr-published") ?? []) expect(name).toMatch(/exporter|exportarr|cadvisor/);
        expect(members.get("monsterr-published")?.length).toBeGreaterThan(0);
    });
});
