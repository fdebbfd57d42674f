import { CATALOG, SERVICE_NAMES, spec } from "../config/catalog";
import { IMAGES } from "./policy/images";
import { expand } from "../components/service";
import { plan } from "./support/plan";

/** The services the product promises, by role name (successor images keep the role). */
const SEED = [
    "nginx-proxy-manager", "authelia", "redis", "fail2ban",
    "plex", "sonarr", "radarr", "lidarr", "bazarr",
    "qbittorrent", "nzbget", "prowlarr",
    "readarr", "calibre", "audiobookshelf",
    "prometheus", "grafana", "tautulli", "portainer",
    "organizr", "overseerr", "watchlist",
];

describe("catalog", () => {
    it("has every seed service exactly once", () => {
        const names = CATALOG.map((s) => s.name);
        for (const s of SEED) expect(names).toContain(s);
        expect(new Set(names).size).toBe(names.length);
        expect([...names].sort()).toEqual([...SERVICE_NAMES].sort());
    });

    it("pins every image to a version tag or a sha256 digest, never latest", () => {
        for (const s of CATALOG) {
            expect({ service: s.name, tag: s.image.tag }).toEqual({ service: s.name, tag: expect.stringMatching(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*)$/) });
            expect(s.image.tag).not.toMatch(/latest|^(edge|nightly|develop|main|master)$/);
        }
    });

    it("deploys the maintained successors for dead upstreams under the old role names", () => {
        const byName = Object.fromEntries(CATALOG.map((s) => [s.name, s]));
        expect(byName.readarr.image.repository).toBe("ghcr.io/pennydreadful/bookshelf");
        expect(byName.overseerr.image.repository).toBe("ghcr.io/seerr-team/seerr");
        expect(byName.overseerr.init).toBe(true);
        expect(byName.watchlist.image.repository).toBe("lakker/pulsarr");
    });

    it("gives every service a memory limit and a healthcheck its pinned image can run (tests/policy/images.ts)", () => {
        for (const s of CATALOG) {
            expect(s.memoryMb).toBeGreaterThanOrEqual(64);
            const image = IMAGES[s.image.repository];
            expect({ service: s.name, reviewed: image !== undefined }).toEqual({ service: s.name, reviewed: true });
            const h = s.healthcheck;
            if ("none" in h) {
                // Only images without a shell or any client to run one (distroless, scratch).
                expect({ service: s.name, tools: image.tools, why: h.none.length > 20 }).toEqual({ service: s.name, tools: [], why: true });
            } else if ("image" in h) {
                expect({ service: s.name, imageHasOne: image.healthcheck !== undefined, named: h.image.includes(image.healthcheck ?? "?") }).toEqual({ service: s.name, imageHasOne: true, named: true });
            } else {
                // CMD: the program; CMD-SHELL: the first command after any `VAR=value` assignments.
                const binary = h.test[0] === "CMD" ? h.test[1] : /^(?:\w+=(?:"[^"]*"|'[^']*'|\S+)\s+)*(\S+)/.exec(h.test[1])![1];
                expect({ service: s.name, binary, inImage: image.tools.includes(binary) && (h.test[0] === "CMD" || image.tools.includes("sh")) }).toEqual({ service: s.name, binary, inImage: true });
                expect(h.why.length).toBeGreaterThan(20);
            }
        }
    });

    it("starts each service after the ones it waits for, which come earlier in the catalog", () => {
        const order = CATALOG.map((s) => s.name);
        for (const s of CATALOG) for (const dep of s.startAfter ?? []) expect({ service: s.name, dep, earlier: order.indexOf(dep) < order.indexOf(s.name) }).toEqual({ service: s.name, dep, earlier: true });
        expect(spec("authelia").startAfter).toContain("redis");
    });

    it("uses unique public subdomains and routes every web UI", () => {
        const subs = CATALOG.flatMap((s) => (s.route ? [s.route.subdomain] : []));
        expect(new Set(subs).size).toBe(subs.length);
        // Exporters (mtail too) serve metrics, gluetun and Diun an API on their own loopback: none is a web UI.
        for (const s of CATALOG.filter((s) => s.group !== "core" && s.port > 0 && !/exporter|exportarr|alertmanager|cadvisor|gluetun|diun|mtail/.test(s.name))) {
            expect({ service: s.name, routed: !!s.route }).toEqual({ service: s.name, routed: true });
        }
    });

    it("only uses placeholders the Service component knows", () => {
        const vars = { PUID: "1", PGID: "1", TZ: "UTC", DOMAIN: "d", TORRENT_PORT: "1", RETENTION_TIME: "1d", RETENTION_SIZE: "1GB", PROXY_ADDRESS: "172.30.10.2", ADMIN_EMAIL: "a@b.c" };
        for (const s of CATALOG) {
            for (const v of [...Object.values(s.env ?? {}), ...(s.command ?? [])]) expect(() => expand(v, vars, s.name)).not.toThrow();
        }
    });

    it("mounts the data tree at the same container path everywhere, so imports are hardlinks", () => {
        for (const s of CATALOG) {
            for (const v of s.volumes.filter((v) => v.source.kind === "data")) {
                const sub = v.source.kind === "data" ? v.source.sub : undefined;
                if (v.target.startsWith("/data")) expect(v.target).toBe(sub ? `/data/${sub}` : "/data");
            }
        }
    });
});

describe.each(["dev", "prod", "split"] as const)("the %s plan", (stack) => {
    it("has a container for every seed service and every companion, with restart policy, log rotation, memory limit and a pinned image", async () => {
        const p = await plan(stack);
        const images = new Map(p.byType("docker:index/remoteImage:RemoteImage").map((r) => [r.name, String(r.inputs.name)]));
        for (const name of new Set([...SEED, ...CATALOG.filter((s) => s.enabledByDefault).map((s) => s.name)])) {
            const c = p.container(name);
            expect({ name, found: !!c }).toEqual({ name, found: true });
            expect(c).toMatchObject({ restart: "unless-stopped", logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" } });
            expect(c!.memory).toBeGreaterThanOrEqual(64);
        }
        for (const ref of images.values()) expect(ref).toMatch(/(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$/);
        expect([...images.values()].join(" ")).not.toMatch(/:latest\b/);
    });

    it("sets each environment variable once per container (the Service adds TZ and linuxserver's PUID/PGID/UMASK)", async () => {
        const p = await plan(stack);
        for (const c of p.containers()) {
            const keys = (c.envs ?? []).map((e: string) => e.split("=")[0]);
            expect({ container: c.name, duplicates: keys.filter((k: string, i: number) => keys.indexOf(k) !== i) }).toEqual({ container: c.name, duplicates: [] });
        }
    });

    it("has Sonarr and Radarr call Pulsarr's webhook on the network they share, not through the proxy", async () => {
        const p = await plan(stack);
        const env = Object.fromEntries((p.container("watchlist")!.envs as string[]).map((e) => e.split(/=(.*)/s).slice(0, 2)));
        // Pulsarr's webhook URL is baseUrl + port (+ /v1/notifications/webhook) when baseUrl is plain http.
        expect([env.baseUrl, env.port]).toEqual(["http://watchlist", "3003"]);
        const nets = (name: string) => (p.container(name)!.networksAdvanced as { name: string }[]).map((n) => n.name);
        for (const app of ["sonarr", "radarr"]) expect(nets(app)).toContain("monsterr-backend");
        expect(nets("watchlist")).toContain("monsterr-backend");
    });

    it("gives containers with a catalog healthcheck that healthcheck", async () => {
        const p = await plan(stack);
        for (const s of CATALOG.filter((s) => "test" in s.healthcheck && s.enabledByDefault)) {
            const c = p.container(s.name);
            expect({ service: s.name, deployed: c !== undefined }).toEqual({ service: s.name, deployed: true });
            expect(c!.healthcheck.tests).toEqual((s.healthcheck as { test: string[] }).test);
        }
    });
});
