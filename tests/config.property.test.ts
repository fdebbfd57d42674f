import * as fc from "fast-check";
import { CATALOG, SERVICE_NAMES, spec } from "../config/catalog";
import { EDGE_HOST, leaderOf, placementOf, privatePort, remotePorts, servicesOn } from "../config/placement";
import { isGpuDevice, usesDataTree } from "../config/validatePlacement";
import { ConfigError } from "../config/errors";
import { PLAIN_KEYS, validateConfig } from "../config/validate";

/** Anything a user could put in a stack file: strings, numbers, booleans, nulls, nested objects and arrays. */
const junk = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie("object"), fc.array(tie("value"), { maxLength: 3 })),
    object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("type", "address", "enabled", "tag", "memoryMb", "cpus", "mode", "host", "privateAddress")), tie("value"), { maxKeys: 4 }),
})).value;

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
/** The fields a host offers the others (monsterr:host and monsterr:hosts.<name>). */
const extras = {
    privateAddress: fc.oneof(fc.constantFrom("10.0.0.1", "10.0.0.2", "172.30.10.5", "127.0.0.1"), fc.ipV4(), junk),
    gpu: fc.oneof(fc.boolean(), fc.constantFrom("true", "no"), junk),
    dataShare: fc.oneof(fc.constantFrom("nas", "other", "bad share"), junk),
};

/** Plausible values for each key, mixed with junk, so generated configs reach deep into the validator. */
const nearValid = fc.record(
    {
        domain: fc.oneof(fc.constantFrom("media.example.com", "media.localhost", "a.b", "-bad.example.com"), fc.domain(), junk),
        adminEmail: fc.oneof(fc.emailAddress(), junk),
        timezone: fc.oneof(fc.constantFrom("Etc/UTC", "Europe/Berlin", "America/New_York", "Nowhere/Nope"), junk),
        puid: fc.oneof(fc.integer({ min: -5, max: 70000 }).map(String), junk),
        pgid: fc.oneof(fc.integer({ min: -5, max: 70000 }), junk),
        umask: fc.oneof(fc.constantFrom("002", "022", "0027", "8"), junk),
        host: fc.oneof(
            fc.record({ type: fc.constantFrom("local", "ssh", "telnet"), address: fc.oneof(fc.domain(), fc.ipV4(), junk), port: fc.oneof(fc.integer({ min: -1, max: 70000 }), junk), user: fc.oneof(fc.constantFrom("root", "deploy", "Bad User"), junk), hostKey: fc.oneof(fc.constantFrom(HOST_KEY, "ssh-rsa AAAA"), junk), ...extras }, { requiredKeys: [] }),
            junk,
        ),
        storage: fc.oneof(fc.record({ configRoot: fc.oneof(fc.constantFrom("/opt/monsterr", "/data/x", "rel", "/a/../b"), junk), dataRoot: fc.oneof(fc.constantFrom("/data", "/srv/media"), junk) }, { requiredKeys: [] }), junk),
        hosts: fc.oneof(
            fc.dictionary(
                fc.constantFrom("nas", "gpu", "edge", "Bad"),
                fc.record({ type: fc.constantFrom("ssh", "local"), address: fc.oneof(fc.domain(), fc.ipV4(), junk), hostKey: fc.oneof(fc.constant(HOST_KEY), junk), sshdPort: fc.oneof(fc.constantFrom(22, 2222, 8080, 9100), junk), dockerHost: fc.constant("unix:///var/run/docker.sock"), ...extras }, { requiredKeys: [] }),
                { maxKeys: 2 },
            ),
            junk,
        ),
        torrentPort: fc.oneof(fc.integer({ min: -1, max: 70000 }), junk),
        tls: fc.oneof(fc.record({ mode: fc.constantFrom("selfsigned", "letsencrypt", "acme"), challenge: fc.constantFrom("http", "dns", "tls"), dnsProvider: fc.oneof(fc.constantFrom("cloudflare"), junk) }, { requiredKeys: [] }), junk),
        monitoring: fc.oneof(fc.record({ retentionTime: fc.constantFrom("30d", "1y", "0d", "x"), retentionSize: fc.constantFrom("10GB", "5TB", "-1") }, { requiredKeys: [] }), junk),
        services: fc.oneof(
            fc.dictionary(fc.oneof(fc.constantFrom(...SERVICE_NAMES), fc.string()), fc.record({ enabled: fc.oneof(fc.boolean(), fc.constantFrom("true", "false", "yes")), host: fc.oneof(fc.constantFrom(EDGE_HOST, "nas", "gpu", "Bad!"), junk), devices: fc.oneof(fc.constant(["/dev/dri"]), junk), tag: fc.oneof(fc.constantFrom("1.2.3", "latest", "sha256:" + "a".repeat(64), "bad tag"), junk), memoryMb: fc.oneof(fc.integer({ min: 0, max: 300000 }), junk), cpus: fc.oneof(fc.double({ min: -1, max: 300, noNaN: true }), junk) }, { requiredKeys: [] }), { maxKeys: 5 }),
            junk,
        ),
    },
    { requiredKeys: [] },
);

const asCliValue = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : typeof v === "undefined" ? undefined : String(v));

describe("config validation under random input", () => {
    it("returns a typed config or throws a ConfigError naming monsterr keys, never anything else", () => {
        fc.assert(
            fc.property(fc.oneof(nearValid, fc.dictionary(fc.oneof(fc.constantFrom(...PLAIN_KEYS), fc.string()), junk)), fc.boolean(), (raw, asStrings) => {
                const input: Record<string, unknown> = {};
                for (const [k, v] of Object.entries(raw)) if (v !== undefined) input[k] = asStrings ? asCliValue(v) : v;
                try {
                    const c = validateConfig(input);
                    expect(typeof c.domain).toBe("string");
                    expect(Object.keys(c.services).sort()).toEqual([...SERVICE_NAMES].sort());
                    for (const s of Object.values(c.services)) expect(s.image.tag).not.toBe("latest");
                    // every service on a host of the stack, a follower beside its app
                    for (const [name, s] of Object.entries(c.services)) {
                        expect([EDGE_HOST, ...Object.keys(c.hosts)]).toContain(s.host);
                        const leader = leaderOf(spec(name as keyof typeof c.services));
                        if (leader) expect(s.host).toBe(c.services[leader].host);
                    }
                } catch (e) {
                    if (!(e instanceof ConfigError)) throw e;
                    expect(e.issues.length).toBeGreaterThan(0);
                    for (const issue of e.issues) {
                        expect(issue.key).toMatch(/^monsterr:/);
                        expect(issue.fix.length).toBeGreaterThan(5);
                    }
                }
            }),
            { numRuns: 3000 },
        );
    });

    it("accepts every valid combination of service toggles that respects dependencies", () => {
        fc.assert(
            fc.property(fc.subarray([...SERVICE_NAMES]), (disabled) => {
                const services = Object.fromEntries(disabled.map((s) => [s, { enabled: false }]));
                try {
                    const c = validateConfig({ domain: "media.example.com", adminEmail: "me@example.com", services });
                    for (const s of disabled) expect(c.services[s].enabled).toBe(false);
                } catch (e) {
                    expect(e).toBeInstanceOf(ConfigError);
                    for (const issue of (e as ConfigError).issues) expect(issue.problem).toMatch(/needs/);
                }
            }),
            { numRuns: 500 },
        );
    });

    it("accepts a placement of the apps only when every host rule holds, and names a placement key otherwise", () => {
        const movable = CATALOG.filter((x) => placementOf(x) === "any").map((x) => x.name);
        const host = (privateAddress: string) => fc.record({ privateAddress: fc.constant(privateAddress), dataShare: fc.option(fc.constantFrom("nas", "other"), { nil: undefined }), gpu: fc.boolean() }, { requiredKeys: ["privateAddress"] });
        fc.assert(
            fc.property(
                host("10.0.0.1"),
                host("10.0.0.2"),
                host("10.0.0.3"),
                fc.dictionary(fc.constantFrom(...movable), fc.constantFrom(EDGE_HOST, "nas", "gpu"), { maxKeys: movable.length }),
                fc.subarray(["cadvisor", "exportarr-sonarr", "exportarr-radarr", "exportarr-lidarr", "calibre"]),
                fc.boolean(),
                (edge, nas, gpu, placed, off, transcode) => {
                    const services: Record<string, Record<string, unknown>> = {};
                    for (const [name, h] of Object.entries(placed)) services[name] = { host: h };
                    for (const name of off) services[name] = { ...services[name], enabled: false };
                    if (transcode) services.plex = { ...services.plex, devices: ["/dev/dri"] };
                    const ssh = { address: "h.lan", hostKey: HOST_KEY };
                    try {
                        const c = validateConfig({ domain: "media.example.com", adminEmail: "me@example.com", host: { type: "local", ...edge }, hosts: { nas: { ...ssh, ...nas }, gpu: { ...ssh, ...gpu } }, services });
                        const share = (h: string) => (h === EDGE_HOST ? c.host.dataShare : c.hosts[h].dataShare);
                        const writers = CATALOG.filter((x) => c.services[x.name].enabled && usesDataTree(x) && placementOf(x) !== "everyHost").map((x) => c.services[x.name].host);
                        const hosts = [...new Set(writers)];
                        if (hosts.length > 1) expect(hosts.map(share).every((d) => d !== undefined && d === share(hosts[0]))).toBe(true);
                        for (const h of ["nas", "gpu"]) {
                            const ports = servicesOn(c, h).flatMap((n) => (spec(n).vpnFor ? [] : remotePorts(spec(n)).map((p) => privatePort(spec(n), p))));
                            expect(new Set([...ports, 22]).size).toBe(ports.length + 1);
                        }
                        if (c.services.watchlist.enabled) for (const a of ["sonarr", "radarr"] as const) if (c.services[a].enabled) expect(c.services[a].host).toBe(c.services.watchlist.host);
                        if (transcode && c.services.plex.enabled) expect(c.services.plex.host === EDGE_HOST ? c.host.gpu !== false : c.hosts[c.services.plex.host].gpu).toBe(true);
                        expect(isGpuDevice("/dev/dri")).toBe(true);
                    } catch (e) {
                        if (!(e instanceof ConfigError)) throw e;
                        for (const issue of e.issues) expect(issue.key).toMatch(/^monsterr:(services\.[a-z0-9-]+\.(host|devices)|hosts\.[a-z]+\.sshdPort)$/);
                    }
                },
            ),
            { numRuns: 400 },
        );
    });
});
