import { CATALOG, SECRETS, ServiceSpec, resolvePort, spec } from "../config/catalog";
import { IN_CONTAINER_CLIENT } from "../components/transport";
import { SECRETS_MOUNT } from "../components/service";
import { renderTree } from "../scripts/planTree";
import { validateConfig } from "../config/validate";
import { placementOf } from "../config/placement";
import { DEMO_HOST_KEY } from "../config/examples";
import { VPN, VPN_SECRETS, issuesOf, minimal } from "./support/config";
import { CONTAINER, Plan, plan, reveal } from "./support/plan";

/**
 * Every field of a catalog entry changes what is deployed: one check per field, keyed by the type itself, so a new
 * field without a check does not compile, and a field no entry uses is reported as dead.
 */
type Container = Record<string, any>;
type Check = (s: ServiceSpec, c: Container, p: Plan) => void;

const envKeys = (c: Container) => (c.envs as string[]).map((e) => e.split("=")[0]);
const networkNames = (c: Container) => (c.networksAdvanced ?? []).map((n: { name: string }) => n.name);

const APPLIED: { [K in keyof Required<ServiceSpec>]: Check } = {
    name: (s, c) => expect([c.name, c.hostname]).toEqual([s.name, s.name]),
    group: (s, c) => expect(c.labels).toContainEqual({ label: "monsterr.group", value: s.group }),
    description: (s, _c, p) => expect(renderTree(p.resources)).toContain(s.description),
    image: (s, c, p) => {
        const ref = s.image.tag.startsWith("sha256:") ? `${s.image.repository}@${s.image.tag}` : `${s.image.repository}:${s.image.tag}`;
        const image = p.byType("docker:index/remoteImage:RemoteImage").find((r) => r.inputs.name === ref);
        expect({ service: s.name, image: image?.name }).toEqual({ service: s.name, image: expect.any(String) });
        expect(c.image).toBe(`sha256:${require("crypto").createHash("sha256").update(ref).digest("hex")}`);
    },
    port: (s, c, p) => {
        // The port a service listens on is what something else dials: its proxy host, a scrape target, a generated
        // file (Authelia's Redis), another container's settings, its own healthcheck, or NPM's in-container client.
        const host = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").find((r) => (reveal(r.inputs) as { domainNames: string[] }).domainNames[0].startsWith(`${s.route?.subdomain}.`));
        const mentions = [
            ...[...p.files.values()],
            ...p.containers().flatMap((x) => [...(x.envs ?? []), ...(x.command ?? []), ...(x.healthcheck?.tests ?? [])]),
            IN_CONTAINER_CLIENT,
        ].filter((t) => new RegExp(`(${s.name}|localhost|127\\.0\\.0\\.1|port|PORT)[:= ]*${s.port}\\b`).test(t));
        const used = s.port === 0 ? c.networkMode === "host" : (host !== undefined && reveal(host.inputs.forwardPort) === s.port) || mentions.length > 0;
        expect({ service: s.name, port: s.port, used }).toEqual({ service: s.name, port: s.port, used: true });
    },
    flavor: (s, c) => expect({ service: s.name, puid: envKeys(c).includes("PUID") && envKeys(c).includes("UMASK") }).toEqual({ service: s.name, puid: s.flavor === "linuxserver" }),
    networks: (s, c) => {
        // A VPN container's are its client's (vpnFor).
        const owner = s.vpnFor ?? s.name;
        const wanted = (s.vpnFor ? spec(s.vpnFor).networks : s.networks).map((n) => (n === "edge" ? `monsterr-edge-${owner}` : `monsterr-${n}`));
        const own = networkNames(c).filter((n: string) => !(s.reverseProxy && n.startsWith("monsterr-edge-")));
        expect({ service: s.name, networks: own }).toEqual({ service: s.name, networks: wanted });
    },
    hostNetwork: (s, c) => expect(c.networkMode === "host").toBe(s.hostNetwork === true),
    publicNamesToProxy: (s, c, p) => {
        const names = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => (reveal(r.inputs) as { domainNames: string[] }).domainNames[0]);
        const proxy = p.container("nginx-proxy-manager")!.networksAdvanced.find((n: { name: string }) => n.name === `monsterr-edge-${s.name}`)?.ipv4Address;
        expect({ service: s.name, hosts: c.hosts }).toEqual({ service: s.name, hosts: s.publicNamesToProxy ? names.map((host) => ({ host, ip: proxy })) : undefined });
    },
    publish: (s, c) => expect((c.ports ?? []).map((x: { external: number }) => x.external)).toEqual((s.publish ?? []).map((x) => resolvePort(x.external, 51413))),
    volumes: (s, c) => {
        for (const v of s.volumes) expect({ service: s.name, target: v.target, mounted: (c.volumes as { containerPath: string }[]).some((m) => m.containerPath === v.target) }).toEqual({ service: s.name, target: v.target, mounted: true });
    },
    env: (s, c) => expect(envKeys(c)).toEqual(expect.arrayContaining(Object.keys(s.env ?? {}))),
    secrets: (s, c) => {
        for (const m of (s.secrets ?? []).filter((m) => !m.optional)) {
            expect(c.volumes).toContainEqual(expect.objectContaining({ containerPath: `${SECRETS_MOUNT}/${m.secret}`, readOnly: true }));
            if (m.env) expect(c.envs).toContain(`${m.env}=${SECRETS_MOUNT}/${m.secret}`);
            expect(SECRETS[m.secret]).toBeDefined();
        }
    },
    healthcheck: (s, c) => expect(c.healthcheck?.tests).toEqual("test" in s.healthcheck ? s.healthcheck.test : undefined),
    memoryMb: (s, c) => expect(c.memory).toBe(s.memoryMb),
    shmSizeMb: (s, c) => expect(c.shmSize).toBe(s.shmSizeMb),
    entrypoint: (s, c) => expect(c.entrypoints).toEqual(s.entrypoint),
    command: (s, c) => {
        const pattern = (arg: string) => new RegExp(`^${arg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\$\\\{[A-Z_]+\\\}/g, ".+")}$`);
        expect({ service: s.name, command: c.command }).toEqual({ service: s.name, command: s.command?.map((a) => expect.stringMatching(pattern(a))) });
    },
    runAsStackUser: (s, c) => expect(c.user).toBe(s.runAsStackUser ? "1000:1000" : undefined),
    init: (s, c) => expect(c.init).toBe(s.init),
    capabilities: (s, c) => expect(c.capabilities?.adds).toEqual(s.capabilities?.map((x) => `CAP_${x}`)),
    devices: (s, c) => expect(c.devices?.map((d: { hostPath: string }) => d.hostPath)).toEqual(s.devices),
    route: (s, _c, p) => {
        const hosts = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => (reveal(r.inputs) as { domainNames: string[] }).domainNames[0]);
        expect(hosts.includes(`${s.route?.subdomain}.media.example.com`)).toBe(s.route !== undefined);
    },
    metrics: (s, _c, p) => expect(p.files.get("/opt/monsterr/prometheus/etc/prometheus.yml")!.includes(`job_name: ${s.name}\n`)).toBe(s.metrics !== undefined),
    enabledByDefault: (s) => expect(validateConfig(minimal).services[s.name].enabled).toBe(s.enabledByDefault),
    reverseProxy: (s, c, p) => {
        const edges = p.byType("docker:index/network:Network").map((r) => r.inputs.name as string).filter((n) => n.startsWith("monsterr-edge-"));
        expect(edges.every((e) => networkNames(c).includes(e))).toBe(s.reverseProxy === true);
    },
    startAfter: (s, c, p) => {
        const waits = p.waitsFor(p.resources.find((r) => r.type === "docker:index/container:Container" && r.inputs.name === c.name)!.name);
        for (const dep of s.startAfter ?? []) {
            const depName = p.resources.find((r) => r.type === "docker:index/container:Container" && r.inputs.name === dep)!.name;
            expect({ service: s.name, dep, waits: waits.has(depName) }).toEqual({ service: s.name, dep, waits: true });
        }
    },
    requires: (s) => {
        for (const dep of s.requires ?? []) {
            // A VPN container exists only with monsterr:vpn.
            const issues = issuesOf({ ...minimal, ...(s.vpnFor ? VPN : {}), services: { [dep]: { enabled: false } } }, s.vpnFor ? { vpnWireguardPrivateKey: true } : {});
            expect(issues.map((i) => i.key)).toContain(`monsterr:services.${dep}.enabled`);
        }
    },
    vpnFor: (s, vpn, p) => {
        if (!s.vpnFor) {
            expect((vpn.networksAdvanced ?? []).some((n: { aliases?: string[] }) => n.aliases)).toBe(false);
            return;
        }
        // Only with monsterr:vpn: it then carries the client's networks under the client's name, and the client none.
        const client = p.container(s.vpnFor!)!;
        expect(vpn.networksAdvanced.map((n: { aliases: string[] }) => n.aliases)).toEqual(spec(s.vpnFor!).networks.map(() => [s.vpnFor]));
        const id = `${p.byType(CONTAINER).find((r) => r.inputs.name === s.name)!.name}-id`;
        expect({ mode: client.networkMode, networks: client.networksAdvanced, ports: client.ports, hostname: client.hostname }).toEqual({ mode: `container:${id}`, networks: undefined, ports: [], hostname: undefined });
    },
    backup: (s, _c, p) => {
        // The prod host runs the nightly backup: its script leaves out each exclude and stops what must stop.
        const script = p.files.get("/usr/local/lib/monsterr/backup.sh")!;
        for (const e of s.backup?.exclude ?? []) expect(script).toContain(`'/opt/monsterr/${s.name}/${e}'`);
        expect(script.includes(`docker stop -t 60 ${s.name} `)).toBe(s.backup?.stopForCopy === true);
    },
    placement: (s) => {
        // On a stack where every app that may move runs on another host (privateAddress 10.0.0.2).
        const copies = placed.containers().filter((x) => x.name === s.name).length;
        const proxyHost = placed.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as { domainNames: string[]; forwardHost: string }).find((h) => h.domainNames[0].startsWith(`${s.route?.subdomain}.`));
        const where = placementOf(s);
        if (placed.container(s.name)) expect({ service: s.name, copies }).toEqual({ service: s.name, copies: where === "everyHost" ? 2 : 1 });
        if (proxyHost) expect({ service: s.name, forwardHost: proxyHost.forwardHost === "10.0.0.2" }).toEqual({ service: s.name, forwardHost: where === "any" });
    },
    companionOf: (s) => {
        for (const parent of s.companionOf ?? []) {
            // Turning the app off (with whatever cannot run without it) turns its companion off too.
            const off = new Set([parent]);
            for (let grew = true; grew; ) {
                grew = false;
                for (const x of CATALOG) if (!off.has(x.name) && (x.requires ?? []).some((r) => off.has(r))) off.add(x.name), (grew = true);
            }
            // A VPN container follows monsterr:vpn, not services.<name>.enabled.
            const services = Object.fromEntries([...off].filter((n) => !spec(n).vpnFor).map((n) => [n, { enabled: false }]));
            expect({ companion: s.name, parent, enabled: validateConfig({ ...minimal, services }).services[s.name].enabled }).toEqual({ companion: s.name, parent, enabled: false });
        }
    },
};

/** The prod stack with a second host, `other`, running every app that may move (both mount one data share). */
const PLACED = {
    host: { type: "ssh", address: "media.example.com", user: "deploy", hostKey: `ssh-ed25519 ${DEMO_HOST_KEY}`, privateAddress: "10.0.0.1", dataShare: "nas" },
    hosts: { other: { address: "other.example.com", user: "deploy", hostKey: `ssh-ed25519 ${DEMO_HOST_KEY}`, privateAddress: "10.0.0.2", dataShare: "nas", gpu: true } },
    services: Object.fromEntries(CATALOG.filter((s) => placementOf(s) === "any").map((s) => [s.name, { host: "other" }])),
};
let placed: Plan;

/** The services the prod stack leaves off are checked on a stack with qBittorrent behind the VPN. */
describe("every catalog field is applied", () => {
    let prod: Plan;
    let vpn: Plan;
    beforeAll(async () => {
        placed = await plan("prod", PLACED);
        prod = await plan("prod");
        vpn = await plan("prod", VPN, VPN_SECRETS);
    });

    it.each(Object.keys(APPLIED) as (keyof ServiceSpec)[])("%s", (field) => {
        const users = CATALOG.filter((s) => s[field] !== undefined);
        // A field no entry sets is dead code in the container builder.
        expect({ field, usedBy: users.length > 0 }).toEqual({ field, usedBy: true });
        for (const s of CATALOG) {
            const p = prod.container(s.name) ? prod : vpn;
            const c = p.container(s.name);
            if (!c) {
                expect({ service: s.name, enabledByDefault: s.enabledByDefault }).toEqual({ service: s.name, enabledByDefault: false });
                continue;
            }
            APPLIED[field](s, c, p);
        }
    });
});
