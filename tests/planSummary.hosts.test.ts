import { validateEngineConfig } from "../config/load";
import { EDGE_HOST, servicesOn } from "../config/placement";
import { PlannedResource } from "../scripts/offline";
import { MEMORY_OVERCOMMIT, gib, renderSummary, summarize } from "../scripts/planSummary";
import { readStackConfig, toEngineConfig } from "../scripts/stackConfig";
import { DEMO_FEEDER_HOST_KEY } from "../config/examples";
import { plan } from "./support/plan";

/** The plan's memory check per host (monsterr:hosts), on containers made from the validated stack: no program run. */

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
const NAS = { address: "nas.lan", hostKey: KEY, privateAddress: "10.0.0.2", dataShare: "nas" };

function stack(values: Record<string, unknown>) {
    const config = toEngineConfig({ "monsterr:domain": "media.smith.family", "monsterr:adminEmail": "ops@smith.family", ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`monsterr:${k}`, v])) });
    const valid = validateEngineConfig(config.values, () => true);
    // One container per service on each host it runs on, as the program places them (node-exporter and cAdvisor on every host).
    const hosts = [EDGE_HOST, ...Object.keys(valid.hosts)];
    const resources: PlannedResource[] = hosts.flatMap((h) =>
        servicesOn(valid, h).map((n) => ({ type: "docker:index/container:Container", name: `monsterr-${h}-${n}-container`, parent: null, custom: true, additionalSecretOutputs: [], inputs: { name: n, memory: valid.services[n].memoryMb }, dependsOn: [] })),
    );
    return { config, valid, resources, summary: summarize(resources, {}, config) };
}
const memoryWarnings = (w: string[]) => w.filter((x) => x.includes("memory limits"));

describe("the plan's memory check, per host", () => {
    it("keeps one host's check and text when the stack has no other host", () => {
        const { summary, resources } = stack({ host: { type: "ssh", address: "box.lan", hostKey: KEY, memoryMb: 4096 } });
        const total = resources.reduce((n, r) => n + (r.inputs.memory as number), 0);
        expect(summary.hosts).toBeUndefined();
        expect(memoryWarnings(summary.warnings)).toEqual([
            `the memory limits add up to ${gib(total)}, more than ${MEMORY_OVERCOMMIT}x the host's 4.0 GiB: turn off apps you do not use (services.<name>.enabled false) or lower services.<name>.memoryMb`,
        ]);
        expect(renderSummary("prod", summary)).toContain("on a host with 4.0 GiB");
    });

    it("sums each host's containers, the copies of node-exporter and cAdvisor on each, and warns for the host that is short", () => {
        const services = { plex: { host: "nas" }, sonarr: { host: "nas" }, watchlist: { enabled: false } };
        const { summary, valid } = stack({ host: { type: "ssh", address: "box.lan", hostKey: KEY, privateAddress: "10.0.0.1", dataShare: "nas", memoryMb: 32768 }, hosts: { nas: { ...NAS, memoryMb: 2048 } }, services });
        const on = (h: string) => servicesOn(valid, h).reduce((n, s) => n + valid.services[s].memoryMb, 0);
        expect(summary.hosts).toEqual([
            { name: EDGE_HOST, memoryLimitMb: on(EDGE_HOST), memoryMb: 32768 },
            { name: "nas", memoryLimitMb: on("nas"), memoryMb: 2048 },
        ]);
        expect(on("nas")).toBe(4096 + 1024 + 64 + valid.services["node-exporter"].memoryMb + valid.services.cadvisor.memoryMb + valid.services.fail2ban.memoryMb + valid.services["fail2ban-exporter"].memoryMb);
        expect(summary.memoryLimitMb).toBe(on(EDGE_HOST) + on("nas"));
        expect(memoryWarnings(summary.warnings)).toEqual([
            `the memory limits on host nas add up to ${gib(on("nas"))}, more than ${MEMORY_OVERCOMMIT}x its 2.0 GiB (hosts.nas.memoryMb): move apps to another host (services.<name>.host), turn off apps you do not use (services.<name>.enabled false) or lower services.<name>.memoryMb`,
        ]);
        expect(renderSummary("prod", summary)).toMatch(/hosts +edge .* of 32\.0 GiB, nas .* of 2\.0 GiB/);
    });

    it("warns for the edge host by its name, and not for a host whose memory the stack leaves unstated", () => {
        const { summary, valid } = stack({ host: { type: "ssh", address: "box.lan", hostKey: KEY, privateAddress: "10.0.0.1", memoryMb: 4096 }, hosts: { nas: { ...NAS, dataShare: undefined } }, services: { overseerr: { host: "nas" } } });
        const edge = servicesOn(valid, EDGE_HOST).reduce((n, s) => n + valid.services[s].memoryMb, 0);
        expect(memoryWarnings(summary.warnings)).toEqual([expect.stringMatching(new RegExp(`^the memory limits on the edge host add up to ${gib(edge)}, more than 2x its 4.0 GiB \\(host.memoryMb\\): move apps`))]);
        expect(summary.hosts![1]).toEqual({ name: "nas", memoryLimitMb: expect.any(Number) });
    });
});

describe("the split plan's summary", () => {
    it("shows the edge host's firewall, each other host's with whom a rule is open to, and where a port is bound", async () => {
        const p = await plan("split");
        const summary = summarize(p.resources, p.outputs, readStackConfig("split"));
        expect(summary.firewall).toEqual(["22/tcp (sshd)", "80/tcp (nginx-proxy-manager)", "443/tcp (nginx-proxy-manager)", "32400/tcp (plex)"]);
        expect(summary.otherFirewalls?.map((f) => f.host)).toEqual(["feeder"]);
        expect(summary.otherFirewalls![0].rules).toEqual(expect.arrayContaining(["22/tcp (sshd)", "51413/udp (qbittorrent)", "17050/tcp (sonarr, from 10.10.0.1)"]));
        expect(summary.published).toEqual(expect.arrayContaining(["10.10.0.2:17050/tcp (sonarr)", "51413/tcp (qbittorrent)", "443/tcp (nginx-proxy-manager)"]));
        expect(renderSummary("split", summary)).toMatch(/\n {4}on feeder +UFW on, incoming denied but 22\/tcp \(sshd\)/);
    });
});

describe("the plan's example-value warnings, per host", () => {
    it("names each host's example address and demo key by its key, the other host's too", () => {
        const { summary } = stack({
            host: { type: "ssh", address: "box.lan", hostKey: KEY, privateAddress: "10.0.0.1", dataShare: "nas" },
            hosts: { feeder: { ...NAS, address: "feeder.example.com", hostKey: `ssh-ed25519 ${DEMO_FEEDER_HOST_KEY}` }, nas: { ...NAS, privateAddress: "10.0.0.3", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedKeyOfARealHostxxxxxxxxxxxxxxxxxxxxxx" } },
        });
        expect(summary.warnings.filter((w) => /hostKey|address/.test(w))).toEqual([
            "monsterr:host.hostKey is the demo key, which no host has: pin your host's key (README, Deploy to your server)",
            "monsterr:hosts.feeder.hostKey is the demo key, which no host has: pin your host's key (README, Deploy to your server)",
            "monsterr:hosts.feeder.address is still the example value feeder.example.com",
        ]);
    });
});
