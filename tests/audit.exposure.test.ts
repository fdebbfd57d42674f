import { plan } from "./support/plan";

/** The only ports the internet may reach: the reverse proxy, Plex, and the torrent peer port. */
const PUBLIC = (torrentPort: number) => new Set([`80/tcp`, `443/tcp`, `32400/tcp`, `${torrentPort}/tcp`, `${torrentPort}/udp`]);
/** Host-network containers and the ports they listen on publicly; anything else on the host network is an exposure. */
const HOST_NETWORK_ALLOWED: Record<string, string> = { plex: "32400/tcp", fail2ban: "(no listener)" };

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
            expect({ name, ports: p.container(name)?.ports ?? [] }).toEqual({ name, ports: (name === "qbittorrent" ? expect.any(Array) : []) });
        }
        expect(p.container("qbittorrent")!.ports.map((x: { internal: number }) => x.internal)).not.toContain(8080);
    });

    it("trusts identity headers only from the reverse proxy's fixed address, and reaches Plex at the pinned gateway", async () => {
        const p = await plan(stack);
        const proxyNet = p.container("nginx-proxy-manager")!.networksAdvanced.find((n: { name: string }) => n.name === "monsterr-proxy");
        expect(proxyNet.ipv4Address).toBe("172.30.10.2");
        expect(p.container("grafana")!.envs).toContain("GF_AUTH_PROXY_WHITELIST=172.30.10.2");
        const net = p.byType("docker:index/network:Network").map((r) => r.inputs).find((n) => n.name === "monsterr-proxy")!;
        expect(net.ipamConfigs).toEqual([{ subnet: "172.30.10.0/24", gateway: "172.30.10.1" }]);
        const plexHost = p.resources.find((r) => r.name.includes("plex") && JSON.stringify(r.inputs).includes("forwardHost"));
        expect(JSON.stringify(plexHost?.inputs)).toContain('"forwardHost":"172.30.10.1"');
    });

    it("puts only allow-listed containers on the host network", async () => {
        const p = await plan(stack);
        const onHost = p.containers().filter((c) => c.networkMode === "host").map((c) => c.name);
        for (const name of onHost) expect(Object.keys(HOST_NETWORK_ALLOWED)).toContain(name);
    });

    it("keeps every bridge container off Docker's default bridge and Redis off the proxy network", async () => {
        const p = await plan(stack);
        for (const c of p.containers().filter((c) => c.networkMode !== "host")) {
            expect(["monsterr-proxy", "monsterr-backend"]).toContain(c.networkMode);
        }
        const redis = p.container("redis")!;
        expect(redis.networksAdvanced.map((n: { name: string }) => n.name)).toEqual(["monsterr-backend"]);
        const backend = p.byType("docker:index/network:Network").map((r) => r.inputs).find((n) => n.name === "monsterr-backend");
        expect(backend).toMatchObject({ internal: true });
    });
});
