import * as yaml from "js-yaml";
import { isSecret, plan, reveal } from "./support/plan";
import { DATA_MOUNTS, HOST_NETWORK, JAILS, OUTPUTS, PUBLISHED, REGULATION, RESTART, SPLIT_FIREWALL, SPLIT_PUBLISHED } from "./policy/security";

/** The generated artifacts against the reviewed security and behaviour policy (tests/policy/security.ts). */
const TORRENT = 51413;

/** `[section] key = value` of fail2ban's jail file, one level deep. */
function iniSections(text: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    let section = "";
    for (const line of text.split("\n")) {
        const head = /^\[(.+)\]$/.exec(line);
        if (head) out[(section = head[1])] = {};
        const kv = /^(\w+) = (.*)$/.exec(line);
        if (kv && section) out[section][kv[1]] = kv[2];
    }
    return out;
}

describe("the reviewed policy", () => {
    it("Authelia's regulation", async () => {
        const config = yaml.load((await plan("prod")).files.get("/opt/monsterr/authelia/configuration.yml")!) as { regulation: unknown };
        expect(config.regulation).toEqual(REGULATION);
    });

    it("every Fail2Ban jail's numbers, chain and ports", async () => {
        const jails = iniSections((await plan("prod")).files.get("/opt/monsterr/fail2ban/jail.d/monsterr.local")!);
        delete jails.DEFAULT;
        const seen = Object.fromEntries(Object.entries(jails).map(([name, j]) => [name, { maxretry: Number(j.maxretry), findtime: j.findtime, bantime: j.bantime, chain: j.chain, ports: j.port }]));
        expect(seen).toEqual(JAILS);
        for (const [name, j] of Object.entries(jails)) expect(j.action).toBe(`iptables-multiport[name=${name}, port="${j.port}", protocol=tcp, chain=${j.chain}]`);
    });

    it.each(["dev", "prod"] as const)("%s: published ports and host-network containers, and nothing else", async (stack) => {
        const p = await plan(stack);
        const torrent = stack === "prod" ? TORRENT : 6881;
        const published = Object.fromEntries(
            p.containers().filter((c) => (c.ports ?? []).length).map((c) => [c.name, c.ports.map((x: { external: number; protocol: string }) => `${x.external}/${x.protocol}`)]),
        );
        expect(published).toEqual(Object.fromEntries(Object.entries(PUBLISHED).map(([k, v]) => [k, v.map((x) => x.replace("TORRENT", String(torrent)))])));
        expect(p.containers().filter((c) => c.networkMode === "host").map((c) => c.name).sort()).toEqual(Object.keys(HOST_NETWORK).sort());
    });

    it.each(["dev", "prod", "split"] as const)("%s: which outputs are secret", async (stack) => {
        const p = await plan(stack);
        for (const [name, value] of Object.entries(p.outputs)) {
            expect({ output: name, reviewed: OUTPUTS[name] !== undefined }).toEqual({ output: name, reviewed: true });
            expect({ output: name, secret: isSecret(value) }).toEqual({ output: name, secret: OUTPUTS[name] === "secret" });
        }
    });

    it.each(["dev", "prod", "split"] as const)("%s: every container restarts unless stopped", async (stack) => {
        const p = await plan(stack);
        expect(p.containers().length).toBeGreaterThanOrEqual(30);
        for (const c of p.containers()) expect({ container: c.name, restart: c.restart }).toEqual({ container: c.name, restart: RESTART });
    });

    it("split: what each host opens, and to whom", async () => {
        const p = await plan("split");
        const rules = (name: string) =>
            String(reveal(p.resources.find((r) => r.name === name)!.inputs.create))
                .split("\n")
                .filter((l) => l.startsWith("ufw allow "))
                .map((l) => l.replace(/^ufw allow /, "").replace(/ >\/dev\/null$/, "").replace(/'\\''/g, "'"));
        expect({ edge: rules("monsterr-core-firewall-ufw"), feeder: rules("monsterr-feeder-firewall-ufw") }).toEqual(SPLIT_FIREWALL);
        const published = Object.fromEntries(
            p.byType("docker:index/container:Container").flatMap((r) => {
                const c = reveal(r.inputs) as { name: string; ports?: { ip: string; external: number; internal: number; protocol: string }[] };
                // A per-host copy is named after its host: `...-<service>-<host>-container`.
                const copy = new RegExp(`-${c.name}-(\\w+)-container$`).exec(r.name)?.[1];
                const key = copy ? `${c.name}@${copy}` : c.name;
                return (c.ports ?? []).length ? [[key, c.ports!.map((x) => `${x.ip}:${x.external}->${x.internal}/${x.protocol}`)]] : [];
            }),
        );
        expect(published).toEqual(SPLIT_PUBLISHED);
    });

    it("where each app mounts the data tree", async () => {
        const p = await plan("prod");
        const seen: Record<string, Record<string, string>> = {};
        for (const c of p.containers()) {
            for (const v of (c.volumes ?? []) as { hostPath: string; containerPath: string }[]) {
                if (v.hostPath !== "/data" && !v.hostPath.startsWith("/data/")) continue;
                (seen[c.name] ??= {})[v.hostPath.replace(/^\/data\/?/, "")] = v.containerPath;
            }
        }
        expect(seen).toEqual(DATA_MOUNTS);
    });
});
