import { afterRulesBlock, dockerUserRules, firewallPolicy } from "../../components/edge/ufwRules";
import { Plan, plan } from "../support/plan";
import { hostScripts, unwrapSudo } from "../support/sshHost/scripts";

const firewallCommands = (p: Plan) => hostScripts(p, /-firewall-/);
const ufwCreate = (p: Plan) => unwrapSudo(firewallCommands(p).find((r) => r.name.endsWith("-ufw"))!.create);

/** Every `ufw <rule>` line of the create script. */
function ufwRules(create: string): string[] {
    return [...create.matchAll(/^ufw ((?:allow|limit|deny|reject) \S+ comment '[^']*') >\/dev\/null$/gm)].map((m) => m[1]);
}

describe("firewall (offline plan)", () => {
    it("manages the firewall of an ssh host, never the dev stack's own machine", async () => {
        const prod = await plan("prod");
        expect(firewallCommands(prod).map((r) => r.name).sort()).toEqual(["monsterr-core-firewall-packages", "monsterr-core-firewall-ufw"]);
        const dev = await plan("dev");
        expect(firewallCommands(dev)).toEqual([]);
        expect(dev.resources.some((r) => r.type === "monsterr:edge:Firewall")).toBe(false);
    });

    it("allows exactly sshd's port, 80, 443, 32400 and the torrent port, from the stack config", async () => {
        // Pulumi connects to 2222 (a port forward); sshd itself listens on 22 on the host: the rule opens sshd's port.
        const p = await plan("prod", { torrentPort: 6881, host: { type: "ssh", address: "media.example.com", port: 2222, sshdPort: 22, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } });
        const create = ufwCreate(p);
        expect(ufwRules(create)).toEqual([
            "allow 22/tcp comment 'monsterr sshd'",
            "allow 80/tcp comment 'monsterr nginx-proxy-manager'",
            "allow 443/tcp comment 'monsterr nginx-proxy-manager'",
            "allow 6881/tcp comment 'monsterr qbittorrent'",
            "allow 6881/udp comment 'monsterr qbittorrent'",
            "allow 32400/tcp comment 'monsterr plex'",
        ]);
        expect(create).toContain("ufw default deny incoming");
        // A non-root login: the scripts run through sudo, as on the real host.
        expect(firewallCommands(p).every((c) => c.create.startsWith("sudo -n sh -c ") && (c.delete ?? "sudo -n sh -c ").startsWith("sudo -n sh -c "))).toBe(true);
    });

    it("lets through DOCKER-USER exactly the ports the containers publish (one source of truth)", async () => {
        const p = await plan("prod");
        const published = p
            .containers()
            .flatMap((c) => (c.ports ?? []).map((port: { external: number; protocol: string }) => `${port.protocol}/${port.external}`))
            .sort();
        const allowedInChain = [...ufwCreate(p).matchAll(/-A DOCKER-USER -p (tcp|udp) -m conntrack --ctstate DNAT --ctorigdstport (\d+) /g)].map((m) => `${m[1]}/${m[2]}`).sort();
        expect(allowedInChain).toEqual(published);
        expect(published).toEqual(["tcp/443", "tcp/51413", "tcp/80", "udp/51413"]);
    });

    it("drops what is left towards Docker bridges and keeps replies and container egress", () => {
        const policy = firewallPolicy({ host: { kind: "ssh", address: "h", port: 22, sshdPort: 22, user: "u", hostKey: "k" }, torrentPort: 51413 }, ["nginx-proxy-manager", "qbittorrent"]);
        const rules = dockerUserRules(policy).map((r) => [...r.args, "-j", r.target].join(" "));
        expect(rules[0]).toBe("-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
        expect(rules.slice(-3)).toEqual(["-o docker0 -j DROP", "-o br-+ -j DROP", "-j RETURN"]);
        expect(afterRulesBlock(policy)).toMatch(/^# BEGIN MONSTERR DOCKER-USER\n\*filter\n:DOCKER-USER - \[0:0\]\n(-A DOCKER-USER .*\n)+COMMIT\n# END MONSTERR DOCKER-USER\n$/);
    });

    it("defaults sshd's port to the port Pulumi connects to", async () => {
        const p = await plan("prod", { host: { type: "ssh", address: "media.example.com", port: 2222, user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } });
        expect(ufwRules(ufwCreate(p))[0]).toBe("allow 2222/tcp comment 'monsterr sshd'");
    });

    it("opens nothing for a disabled service", async () => {
        const p = await plan("prod", { services: { plex: { enabled: false }, tautulli: { enabled: false } } });
        expect(ufwRules(ufwCreate(p)).some((r) => r.includes("32400"))).toBe(false);
    });
});
