import { readStackConfig } from "../scripts/stackConfig";
import { plan, reveal } from "./support/plan";

/**
 * The split stack (Pulumi.split.yaml) as the program wires it: every address one app uses for another is the one
 * that works from where it runs, the name on its own host or the private address and port of another host.
 */
describe("the split plan's addresses", () => {
    const inputs = async (type: string, name: RegExp) => {
        const p = await plan("split");
        return p.resources.filter((r) => r.type.endsWith(type) && name.test(r.name)).map((r) => reveal(r.inputs) as Record<string, any>);
    };

    it("has the proxy forward an app on the feeder to its private address and port, and an app at the edge by name", async () => {
        const hosts = Object.fromEntries((await inputs("NpmProxyHost", /./)).map((h) => [h.domainNames[0].split(".")[0], `${h.forwardHost}:${h.forwardPort}`]));
        expect(hosts).toMatchObject({ sonarr: "10.10.0.2:17050", qbittorrent: "10.10.0.2:17100", requests: "overseerr:5055", grafana: "grafana:3000", plex: "172.30.10.1:32400" });
    });

    it("links apps on one host by name, and Seerr at the edge to Sonarr and Radarr at the feeder's private ports", async () => {
        const clients = await inputs("ArrProviderObject", /sonarr-to-qbittorrent$/);
        expect(clients[0].spec.fields).toMatchObject({ host: "qbittorrent", port: 8080 });
        const seerr = await inputs("SeerrArrLink", /overseerr-to-sonarr$/);
        expect(seerr[0].spec).toMatchObject({ hostname: "10.10.0.2", port: 17050 });
    });

    it("gives Bazarr at the edge Sonarr's private address and port, and Prowlarr and Sonarr each other's, across hosts", async () => {
        const split = JSON.parse(readStackConfig("split").values["monsterr:services"]) as Record<string, unknown>;
        const p = await plan("split", { services: { ...split, bazarr: { host: "edge" }, prowlarr: { host: "edge" } } });
        const link = (name: RegExp) => reveal(p.resources.find((r) => name.test(r.name))!.inputs) as Record<string, any>;
        expect(link(/bazarr-to-sonarr$/).settings).toMatchObject({ ip: "10.10.0.2", port: 17050 });
        expect(link(/prowlarr-to-sonarr$/).spec.fields).toMatchObject({ prowlarrUrl: "http://10.10.0.1:17120", baseUrl: "http://10.10.0.2:17050" });
    });

    it("opens Plex's own socket on another host to the edge host and to Tautulli's network beside it, nothing else", async () => {
        const split = JSON.parse(readStackConfig("split").values["monsterr:services"]) as Record<string, unknown>;
        const p = await plan("split", { services: { ...split, plex: { host: "feeder" }, tautulli: { host: "feeder" } } });
        const ufw = String(reveal(p.resources.find((r) => r.name === "monsterr-feeder-firewall-ufw")!.inputs.create))
            .split("\n")
            .filter((l) => /^ufw allow .*32400/.test(l));
        const tautulli = p.container("tautulli")!.envs.find((e: string) => e.startsWith("TAUTULLI_PMS_IP="))!.split("=")[1];
        expect(ufw.map((l) => l.replace(/ comment .*/, ""))).toEqual(["ufw allow from 10.10.0.1 to any port 32400 proto tcp", "ufw allow from 172.30.10.112/29 to any port 32400 proto tcp"]);
        // Tautulli dials its own network's gateway: the host, where Plex listens.
        expect(tautulli).toBe("172.30.10.113");
    });

    it("reads Plex's token on the host Plex runs on", async () => {
        const p = await plan("split", { services: { plex: { host: "feeder" } } });
        const token = p.resources.find((r) => r.type.endsWith("PlexToken"))!;
        expect((reveal(token.inputs) as { connection: { host: string } }).connection.host).toBe("feeder.example.com");
    });

    it("runs Fail2Ban's exporter beside each host's Fail2Ban, and a copy on the feeder waits for nothing of the edge host's", async () => {
        const p = await plan("split");
        const exporter = p.resources.find((r) => r.name === "monsterr-monitoring-fail2ban-exporter-feeder-container")!;
        expect((reveal(exporter.inputs) as { volumes: unknown[] }).volumes).toEqual([{ containerPath: "/var/run/fail2ban", hostPath: "/opt/monsterr/fail2ban/run", readOnly: true }]);
        const waits = p.waitsFor("monsterr-monitoring-fail2ban-exporter-feeder-container");
        expect(waits).toContain("monsterr-core-fail2ban-feeder-container");
        expect(waits).not.toContain("monsterr-core-fail2ban-container");
        const edgeContainers = (n: string) => [...p.waitsFor(n)].filter((w) => w.endsWith("-container") && !w.includes("-feeder-"));
        expect(edgeContainers("monsterr-core-fail2ban-feeder-container")).toEqual([]);
        expect(edgeContainers("monsterr-monitoring-fail2ban-exporter-feeder-container")).toEqual([]);
        // On the edge host Fail2Ban still starts after the proxy and Authelia, whose logs its jails read.
        expect([...p.waitsFor("monsterr-core-fail2ban-container")]).toEqual(expect.arrayContaining(["monsterr-core-nginx-proxy-manager-container", "monsterr-core-authelia-container"]));
    });
});
