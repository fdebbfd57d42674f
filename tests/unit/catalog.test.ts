import { CATALOG, SECRETS, ServiceSpec, spec } from "../../config/catalog";
import { IMAGES } from "../policy/images";
import { NETWORKS, PORTS, PRIVILEGES, RUN_AS_STACK_USER, SECRET_FILES } from "../policy/containers";
import { BLOCKED, PROBES, ROUTES } from "../policy/routes";
import { DATA_MOUNTS, HOST_NETWORK, PUBLISHED } from "../policy/security";

/**
 * The catalog against the reviewed tables, entry by entry, without building a plan: fast enough to run for every
 * catalog mutant (npm run mutate catalog). The plan-level tests check that the Service applies each field.
 */
const byName = (f: (s: ServiceSpec) => unknown) => Object.fromEntries(CATALOG.map((s) => [s.name, f(s)]));
const defined = <T>(o: Record<string, T | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, T>;

describe("the catalog against the reviewed policy (unit)", () => {
    it("routes: subdomain, policy, groups and bypass paths of every public app", () => {
        const routes = defined(byName((s) => s.route && { service: s.name, auth: s.route.auth, groups: s.route.auth === "bypass" ? [] : s.route.group === "users" ? ["admins", "users"] : ["admins"], bypass: s.route.bypassPaths ?? [] }));
        const bySub = Object.fromEntries(CATALOG.filter((s) => s.route).map((s) => [s.route!.subdomain, routes[s.name]]));
        expect(bySub).toEqual(ROUTES);
        // A bypass route names no group, and a guarded one always names one.
        for (const s of CATALOG.filter((s) => s.route)) expect({ s: s.name, group: s.route!.auth === "bypass" ? s.route!.group === undefined : s.route!.group !== undefined }).toEqual({ s: s.name, group: true });
    });

    it("blocked paths: what the proxy refuses to everyone", () => {
        const blocked = Object.fromEntries(CATALOG.filter((s) => s.route?.blockedPaths).map((s) => [s.route!.subdomain, s.route!.blockedPaths!.map((b) => b.prefix)]));
        expect(blocked).toEqual(BLOCKED);
    });

    it("probes: the path and statuses each route is checked on", () => {
        const probes = Object.fromEntries(CATALOG.filter((s) => s.route).map((s) => [s.route!.subdomain, { path: s.route!.probe.path, status: s.route!.probe.status ?? [200] }]));
        expect(probes).toEqual(PROBES);
    });

    it("networks, published ports and the host network", () => {
        expect(byName((s) => s.networks)).toEqual(NETWORKS);
        const published = defined(byName((s) => s.publish?.map((p) => `${p.external === "torrentPort" ? "TORRENT" : p.external}/${p.protocol}`)));
        expect(published).toEqual(PUBLISHED);
        const host = defined(byName((s) => (s.hostNetwork ? (s.port ? `${s.port}/tcp` : null) : undefined)));
        expect(host).toEqual(HOST_NETWORK);
        for (const s of CATALOG.filter((s) => s.publish)) for (const p of s.publish!) expect({ s: s.name, internal: p.internal ?? p.external }).toEqual({ s: s.name, internal: p.external });
    });

    it("secrets: which each container reads, and the variable that names each file", () => {
        const files = defined(byName((s) => (s.secrets?.length ? Object.fromEntries(s.secrets.map((m) => [`${m.secret}${m.optional ? "?" : ""}`, m.env ?? null])) : undefined)));
        expect(files).toEqual(SECRET_FILES);
        // A secret belongs to a service that runs whenever a reader runs.
        for (const s of CATALOG) for (const m of s.secrets ?? []) expect({ reader: s.name, secret: m.secret, owner: [s.name, ...(s.companionOf ?? []), ...(s.requires ?? []), ...(s.startAfter ?? [])].includes(SECRETS[m.secret].service) }).toEqual({ reader: s.name, secret: m.secret, owner: true });
    });

    it("mounts what upstream needs and nothing unused: cAdvisor reaches containerd, Plex has no /transcode", () => {
        // Docker 29's containerd image store: without the socket cAdvisor's Docker factory does not register and
        // --docker_only drops every container (google/cadvisor v0.60.5 container/docker/factory.go, issue 3772).
        expect(spec("cadvisor").volumes).toContainEqual({ source: { kind: "host", path: "/run/containerd" }, target: "/run/containerd", readOnly: true });
        expect(spec("cadvisor").command).toContain("--containerd=/run/containerd/containerd.sock");
        // Plex keeps its transcoder directory under /config unless set in its settings (docker-plex README).
        expect(spec("plex").volumes.map((v) => v.target)).toEqual(["/config", "/data/media"]);
    });

    it("privileges: capabilities, devices and the user each container runs as", () => {
        const privileges = defined(byName((s) => (s.capabilities || s.devices ? { ...(s.capabilities ? { capabilities: s.capabilities } : {}), ...(s.devices ? { devices: s.devices } : {}) } : undefined)));
        expect(privileges).toEqual(PRIVILEGES);
        expect(CATALOG.filter((s) => s.runAsStackUser).map((s) => s.name).sort()).toEqual([...RUN_AS_STACK_USER].sort());
    });

    it("data mounts: where each app sees the data tree", () => {
        const mounts = defined(
            byName((s) => {
                const data = s.volumes.filter((v) => v.source.kind === "data");
                return data.length ? Object.fromEntries(data.map((v) => [v.source.kind === "data" ? v.source.sub ?? "" : "", v.target])) : undefined;
            }),
        );
        expect(mounts).toEqual(DATA_MOUNTS);
    });

    it("ports: what each image listens on", () => {
        expect(byName((s) => s.port)).toEqual(PORTS);
    });

    it("images: every repository reviewed, every tag pinned, healthcheck durations as Docker reads them back", () => {
        for (const s of CATALOG) {
            expect({ s: s.name, reviewed: IMAGES[s.image.repository] !== undefined, tag: /^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*)$/.test(s.image.tag) && !/latest/.test(s.image.tag) }).toEqual({ s: s.name, reviewed: true, tag: true });
            const h = s.healthcheck;
            if ("test" in h) for (const d of [h.interval, h.timeout, h.startPeriod]) if (d !== undefined) expect({ s: s.name, d, go: /^(\d+h)?([1-9]\d*m)?(\d+s)$|^0s$/.test(d) && !/^\d+m$/.test(d) }).toEqual({ s: s.name, d, go: true });
        }
    });
});
