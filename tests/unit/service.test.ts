import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceSpec, spec } from "../../config/catalog";
import { ResolvedService } from "../../config/types";
import { hostTarget } from "../../components/hostTarget";
import { Networks } from "../../components/networks";
import { Secrets } from "../../components/secrets";
import { SECRETS_MOUNT, Service, ServiceContext, ServiceFile, expand, hostPath } from "../../components/service";
import { reveal } from "../../scripts/offline";
import { component, stack } from "./support";

/** An entry that uses every field the generic Service applies (on Sonarr's name, so it has an edge network). */
const FULL: ServiceSpec = {
    ...spec("sonarr"),
    image: { repository: "example/app", tag: "1.2.3" },
    port: 8989,
    flavor: "linuxserver",
    networks: ["edge", "backend"],
    publicNamesToProxy: true,
    publish: [{ external: "torrentPort", protocol: "tcp" }, { external: 8080, internal: 80, protocol: "udp" }],
    volumes: [
        { source: { kind: "config" }, target: "/config" },
        { source: { kind: "config", service: "radarr", sub: "etc" }, target: "/radarr", readOnly: true },
        { source: { kind: "configRoot" }, target: "/all", readOnly: true },
        { source: { kind: "data" }, target: "/data" },
        { source: { kind: "data", sub: "media/tv" }, target: "/tv" },
        { source: { kind: "host", path: "/dev/dri" }, target: "/dri" },
    ],
    env: { APP_URL: "https://x.${DOMAIN}", PEER: "${TORRENT_PORT}", PROXY: "${PROXY_ADDRESS}", EXTRA: "${EXTRA}" },
    secrets: [{ secret: "sonarr-api-key", env: "API_KEY__FILE" }, { secret: "radarr-api-key" }, { secret: "plex-claim", env: "PLEX_CLAIM_FILE", optional: true }],
    healthcheck: { test: ["CMD", "true"], why: "test", startPeriod: "1m" },
    shmSizeMb: 256,
    entrypoint: ["/bin/sh", "${PUID}"],
    command: ["--tz", "${TZ}", "--pgid=${PGID}"],
    runAsStackUser: true,
    init: true,
    capabilities: ["NET_ADMIN", "SYSLOG"],
    devices: ["/dev/dri"],
};

const SETTINGS: ResolvedService = { enabled: true, image: { repository: "example/app", tag: "1.2.3" }, memoryMb: 512, cpus: "1.5", host: "edge" };

function context(): ServiceContext {
    const c = stack();
    return { ...c, torrentPort: 51413, proxyAddress: "172.30.10.10", publicNames: ["a.media.example.com", "b.media.example.com"], vars: { EXTRA: "more" } };
}

/** Builds one Service with real Networks and Secrets under the mock engine; returns the plan and the container's inputs. */
async function build(s: ServiceSpec, settings: ResolvedService = SETTINGS, files: ServiceFile[] = [], enabled = ["sonarr", "radarr", "nginx-proxy-manager"] as const) {
    const config = stack();
    const run = await component(() => {
        const target = hostTarget(config.host);
        const provider = new docker.Provider("docker", { host: target.dockerHost });
        const networks = new Networks("net", { provider, subnets: config.networks, enabled: [...enabled] }, {});
        const secrets = new Secrets("secrets", { host: target, dir: "/opt/monsterr/.secrets", pgid: 1000, enabled: [...enabled], provided: {} });
        const before = new Dep();
        const svc = new Service("svc", { spec: s, settings, context: context(), host: target, provider, networks, secrets, files, dependsOn: [before] });
        return { url: pulumi.output(svc.internalUrl), name: pulumi.output(svc.containerName) };
    });
    const container = run.resources.find((r) => r.type === "docker:index/container:Container")!;
    return { run, container, inputs: reveal(container.inputs) as Record<string, any> };
}

class Dep extends pulumi.CustomResource {
    constructor() {
        super("test:index:Dep", "before", {});
    }
}

describe("the generic Service (unit)", () => {
    it("pulls the pinned image by tag, or by digest, and keeps it locally", async () => {
        const { run, inputs } = await build(FULL);
        const image = run.resources.find((r) => r.type === "docker:index/remoteImage:RemoteImage")!;
        expect([image.name, image.parent, image.inputs]).toEqual(["svc-image", "svc", { name: "example/app:1.2.3", keepLocally: true }]);
        expect(inputs.image).toMatch(/^sha256:/);
        const digest = `sha256:${"a".repeat(64)}`;
        const pinned = await build(FULL, { ...SETTINGS, image: { repository: "example/app", tag: digest } });
        expect(pinned.run.resources.find((r) => r.name === "svc-image")!.inputs.name).toBe(`example/app@${digest}`);
    });

    it("environment: linuxserver ids, TZ, the entry's values expanded, then each secret's _FILE path (never a value)", async () => {
        const { inputs } = await build(FULL);
        const c = stack();
        expect(inputs.envs).toEqual([
            `PUID=${c.puid}`,
            `PGID=${c.pgid}`,
            `UMASK=${c.umask}`,
            `TZ=${c.timezone}`,
            `APP_URL=https://x.${c.domain}`,
            "PEER=51413",
            "PROXY=172.30.10.10",
            "EXTRA=more",
            `API_KEY__FILE=${SECRETS_MOUNT}/sonarr-api-key`,
        ]);
        const plain = await build({ ...FULL, flavor: "plain", env: undefined, secrets: undefined });
        expect(plain.inputs.envs).toEqual([`TZ=${c.timezone}`]);
    });

    it("mounts: each source where the stack keeps it, read-only only when asked; secrets read-only at /run/secrets; optional ones only when set", async () => {
        const { inputs } = await build(FULL);
        const { storage } = stack();
        expect(inputs.volumes).toEqual([
            { hostPath: `${storage.configRoot}/sonarr`, containerPath: "/config" },
            { hostPath: `${storage.configRoot}/radarr/etc`, containerPath: "/radarr", readOnly: true },
            { hostPath: storage.configRoot, containerPath: "/all", readOnly: true },
            { hostPath: storage.dataRoot, containerPath: "/data" },
            { hostPath: `${storage.dataRoot}/media/tv`, containerPath: "/tv" },
            { hostPath: "/dev/dri", containerPath: "/dri" },
            { hostPath: "/opt/monsterr/.secrets/sonarr-api-key", containerPath: "/run/secrets/sonarr-api-key", readOnly: true },
            { hostPath: "/opt/monsterr/.secrets/radarr-api-key", containerPath: "/run/secrets/radarr-api-key", readOnly: true },
        ]);
        expect(SECRETS_MOUNT).toBe("/run/secrets");
        expect(hostPath({ kind: "config", sub: "x" }, "grafana", storage)).toBe(`${storage.configRoot}/grafana/x`);
    });

    it("networks: the entry's own, by name; the proxy joins its network and every edge at fixed addresses; host network or none otherwise", async () => {
        const { inputs } = await build(FULL);
        expect(inputs.networkMode).toBe("monsterr-edge-sonarr");
        expect(inputs.networksAdvanced).toEqual([{ name: "monsterr-edge-sonarr" }, { name: "monsterr-backend" }]);
        const proxy = await build({ ...spec("nginx-proxy-manager"), env: undefined, secrets: undefined }, { ...SETTINGS });
        expect(proxy.inputs.networksAdvanced).toEqual([
            { name: "monsterr-proxy", ipv4Address: "172.30.10.2" },
            { name: "monsterr-edge-sonarr", ipv4Address: expect.stringMatching(/^172\.30\.10\.\d+$/) },
            { name: "monsterr-edge-radarr", ipv4Address: expect.stringMatching(/^172\.30\.10\.\d+$/) },
        ]);
        const host = await build({ ...FULL, networks: [], hostNetwork: true });
        expect([host.inputs.networkMode, host.inputs.networksAdvanced]).toEqual(["host", undefined]);
        const none = await build({ ...FULL, networks: [] });
        expect([none.inputs.networkMode, none.inputs.networksAdvanced]).toEqual(["none", undefined]);
    });

    it("the container: name, restart policy, ports on every address, user, init, capabilities, devices, shm, hosts, healthcheck, limits, logs", async () => {
        const { inputs, run } = await build(FULL);
        const c = stack();
        expect({ ...inputs, image: undefined, envs: undefined, volumes: undefined, networksAdvanced: undefined, labels: undefined }).toEqual({
            name: "sonarr",
            hostname: "sonarr",
            image: undefined,
            restart: "unless-stopped",
            networkMode: "monsterr-edge-sonarr",
            networksAdvanced: undefined,
            ports: [
                { internal: 51413, external: 51413, protocol: "tcp", ip: "0.0.0.0" },
                { internal: 80, external: 8080, protocol: "udp", ip: "0.0.0.0" },
            ],
            envs: undefined,
            volumes: undefined,
            entrypoints: ["/bin/sh", String(c.puid)],
            command: ["--tz", c.timezone, `--pgid=${c.pgid}`],
            user: `${c.puid}:${c.pgid}`,
            init: true,
            capabilities: { adds: ["CAP_NET_ADMIN", "CAP_SYSLOG"] },
            devices: [{ hostPath: "/dev/dri", containerPath: "/dev/dri", permissions: "rwm" }],
            shmSize: 256,
            hosts: [{ host: "a.media.example.com", ip: "172.30.10.10" }, { host: "b.media.example.com", ip: "172.30.10.10" }],
            healthcheck: { tests: ["CMD", "true"], interval: "30s", timeout: "10s", retries: 3, startPeriod: "1m" },
            memory: 512,
            cpus: "1.5",
            logDriver: "json-file",
            logOpts: { "max-size": "10m", "max-file": "3" },
            labels: undefined,
        });
        expect(run.outputs).toEqual({ url: "http://sonarr:8989", name: "sonarr" });
    });

    it("leaves out what an entry does not set; the stack's devices replace the entry's", async () => {
        const bare: ServiceSpec = { ...FULL, publish: undefined, entrypoint: undefined, command: undefined, runAsStackUser: undefined, init: undefined, capabilities: undefined, devices: undefined, shmSizeMb: undefined, publicNamesToProxy: undefined, healthcheck: { none: "test" } };
        const { inputs } = await build(bare, { ...SETTINGS, cpus: undefined });
        for (const k of ["entrypoints", "command", "user", "init", "capabilities", "devices", "shmSize", "hosts", "healthcheck", "cpus"]) expect({ k, v: inputs[k] }).toEqual({ k, v: undefined });
        expect(inputs.ports).toEqual([]);
        const custom = await build({ ...FULL, healthcheck: { test: ["CMD", "x"], interval: "5s", timeout: "2s", retries: 9, why: "t" } }, { ...SETTINGS, devices: ["/dev/a"] });
        expect(custom.inputs.devices).toEqual([{ hostPath: "/dev/a", containerPath: "/dev/a", permissions: "rwm" }]);
        expect(custom.inputs.healthcheck).toEqual({ tests: ["CMD", "x"], interval: "5s", timeout: "2s", retries: 9, startPeriod: "0s" });
        expect((await build({ ...FULL, healthcheck: { image: "the image's own" } })).inputs.healthcheck).toBeUndefined();
    });

    it("files under its config folder, owned by the stack user, 0440 secrets and 0644 otherwise; the container waits for them, its secrets and what it was given", async () => {
        const files: ServiceFile[] = [
            { path: "a.yml", content: "a" },
            { path: "sub/b.conf", content: pulumi.secret("b"), secret: true },
            { path: "c.sh", content: "c", mode: "0755", seedOnly: true },
        ];
        const { run, container } = await build(FULL, SETTINGS, files);
        const writes = run.resources.filter((r) => r.type === "monsterr:host:HostFile" && r.parent === "svc");
        expect(writes.map((w) => w.name)).toEqual(["svc-file-0", "svc-file-1", "svc-file-2"]);
        const script = (file: string) => String(reveal(run.resources.find((r) => r.type === "command:local:Command" && r.parent === file)!.inputs.create));
        const scripts = ["svc-file-0", "svc-file-1", "svc-file-2"].map(script);
        const { storage, puid, pgid } = stack();
        expect(scripts[0]).toContain(`${storage.configRoot}/sonarr/a.yml`);
        expect(scripts[0]).toMatch(/chmod 0644/);
        expect(scripts[1]).toContain(`${storage.configRoot}/sonarr/sub/b.conf`);
        expect(scripts[1]).toMatch(/chmod 0440/);
        expect(scripts[2]).toMatch(/chmod 0755/);
        for (const s of scripts) expect(s).toContain(`${puid}:${pgid}`);
        expect(container.dependsOn).toEqual(["svc-file-0", "svc-file-1", "svc-file-2", "secrets-sonarr-api-key-file", "secrets-radarr-api-key-file", "before"]);
    });

    it("labels it with its service, group and a hash of what it reads, which changes when a file does", async () => {
        const one = await build(FULL, SETTINGS, [{ path: "a", content: "1" }]);
        const same = await build(FULL, SETTINGS, [{ path: "a", content: "1" }]);
        const other = await build(FULL, SETTINGS, [{ path: "a", content: "2" }]);
        const labels = (b: typeof one) => b.inputs.labels as { label: string; value: string }[];
        expect(labels(one).map((l) => l.label)).toEqual(["monsterr.service", "monsterr.group", "monsterr.config-hash"]);
        expect(labels(one).slice(0, 2)).toEqual([{ label: "monsterr.service", value: "sonarr" }, { label: "monsterr.group", value: "media" }]);
        expect(labels(one)[2].value).toMatch(/^[0-9a-f]{16}$/);
        expect(labels(same)[2].value).toBe(labels(one)[2].value);
        expect(labels(other)[2].value).not.toBe(labels(one)[2].value);
    });

    it("placeholders: every ${NAME} replaced; an unknown one names the entry", () => {
        expect(expand("${A}-${B}${A}", { A: "1", B: "2" }, "x")).toBe("1-21");
        expect(expand("no $VAR or ${lower}", {}, "x")).toBe("no $VAR or ${lower}");
        expect(() => expand("${MISSING}", {}, "sonarr")).toThrow("catalog entry sonarr uses ${MISSING}, which has no value");
    });
});
