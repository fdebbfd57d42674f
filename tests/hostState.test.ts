import { spawnSync } from "child_process";
import { HostStateInputs, HostStateOutputs, hostStateProvider } from "../components/hostState";
import { plan, reveal } from "./support/plan";
import { dockerSimScript } from "./support/sshHost/dockerSim";
import { SshHost } from "./support/sshHost/host";
import { HostScript, hostScripts } from "./support/sshHost/scripts";

/**
 * Drift on the host, read for real: the prod plan's directory, firewall and file writers run over ssh on a disposable
 * Debian host (sudo, pinned host key), then the two HostState resources read it back with the program's own ssh
 * options. Hand edits, chmods, deletions and a flushed firewall are drift; running the writer again (what `up` does
 * with the repair count) puts each back.
 */
jest.setTimeout(300_000);

const STATE = "pulumi-nodejs:dynamic/monsterr:HostState";
let host: SshHost;
let writers: HostScript[];
let states: { name: string; inputs: HostStateInputs; outs: HostStateOutputs }[];

const byName = (n: string) => states.find((s) => s.name.endsWith(n))!;

async function refresh(s: { inputs: HostStateInputs; outs: HostStateOutputs }): Promise<HostStateOutputs> {
    const r = await hostStateProvider.read!("host-state", s.outs);
    return r.props as HostStateOutputs;
}

/** The keys whose read differs from what the plan wants, secret or not. */
function driftOf(found: HostStateOutputs, wanted: HostStateInputs): string[] {
    const keys = [...Object.keys(wanted.state), ...Object.keys(wanted.secretState)];
    return keys.filter((k) => (k in wanted.state ? found.state[k] !== wanted.state[k] : found.secretState[k] !== wanted.secretState[k])).sort();
}

function runWriter(w: HostScript): void {
    const r = host.ssh(w.create, 120_000, w.stdin ?? "");
    if (r.code !== 0) throw new Error(`${w.name} exited ${r.code}: ${r.stderr}`);
}

beforeAll(async () => {
    host = SshHost.start("state");
    const p = await plan("prod", { host: { type: "ssh", address: host.ip, port: 22, user: host.user, hostKey: host.hostKey } });
    host.exec(dockerSimScript());
    // A setgid parent, as on a shared disk: the config root inherits the bit, which the folders script must clear.
    host.exec("chmod g+s /opt");
    writers = hostScripts(p, /-(directories|firewall-packages|firewall-ufw|write)$/).filter((w) => !/# monsterr adopted secret: |if \[ -e "\$p" \]; then cat >\/dev\/null; exit 0; fi/.test(w.create));
    // Adopted secrets first (what other files are made of), then every other writer, as one `up` orders them.
    for (const w of hostScripts(p, /-write$/).filter((x) => x.create.includes("# monsterr adopted secret: "))) runWriter(w);
    for (const w of writers) runWriter(w);
    states = await Promise.all(
        p.byType(STATE).map(async (r) => {
            const inputs = reveal(r.inputs) as HostStateInputs;
            if (inputs.connection.kind !== "ssh") throw new Error("prod reads its host over ssh");
            // The stack logs in with the agent's key; here the disposable host's client key, passed as the stack would.
            inputs.connection.privateKey = host.clientPrivateKey();
            return { name: r.name, inputs, outs: (await hostStateProvider.create(inputs)).outs as HostStateOutputs };
        }),
    );
});

afterAll(() => host?.stop());

describe("host state read over ssh from a disposable host", () => {
    it("reads back exactly what the writers wrote: folders, firewall and every generated file", async () => {
        expect(states.map((s) => s.name).sort()).toEqual(["monsterr-file-state", "monsterr-host-state"]);
        for (const s of states) {
            const found = await refresh(s);
            expect({ resource: s.name, drift: driftOf(found, s.inputs) }).toEqual({ resource: s.name, drift: [] });
            expect((await hostStateProvider.diff!("host-state", found, s.inputs)).changes).toBe(false);
        }
        const counts = states.map((s) => `${s.name}: ${Object.keys(s.inputs.probes).length} probes`);
        console.log(`host state: ${counts.join(", ")}`);
    });

    it("one SSH connection reads both resources, however many files they watch", async () => {
        // From cold: close the program's multiplexing master (SSH_MULTIPLEX_OPTS) left by the first read.
        spawnSync("ssh", ["-o", "ControlPath=~/.ssh/monsterr-%C", "-p", "22", "-O", "exit", `${host.user}@${host.ip}`], { encoding: "utf8" });
        const before = host.acceptedConnections();
        const t0 = Date.now();
        for (const s of states) await refresh(s);
        const ms = Date.now() - t0;
        const opened = host.acceptedConnections() - before;
        const probes = states.reduce((n, s) => n + Object.keys(s.inputs.probes).length, 0);
        console.log(`refresh of the prod plan's host state: ${probes} probes, ${states.length} ssh sessions, ${opened} new TCP connection(s), ${ms} ms`);
        expect(opened).toBe(1);
    });

    it("reports each hand change as drift of exactly what changed, secrets by key only", async () => {
        const files = byName("file-state");
        const dirs = byName("host-state");
        const secretKey = Object.keys(files.inputs.secretState)[0];
        host.exec(
            [
                "echo '# edited by hand' >> /opt/monsterr/authelia/configuration.yml",
                "chmod 0666 /opt/monsterr/prometheus/etc/prometheus.yml",
                "rm /etc/logrotate.d/monsterr",
                "chmod 0700 /data/media/movies",
                "chown 0:0 /data/torrents/tv",
                "rmdir /opt/monsterr/diun/data",
                ...(secretKey ? [`echo tampered > ${secretKey.replace(/^file /, "")}`] : []),
                "ufw delete allow 443/tcp >/dev/null 2>&1 || ufw status numbered >&2",
                "iptables -w -F DOCKER-USER",
            ].join("\n"),
        );
        const fileDrift = driftOf(await refresh(files), files.inputs);
        expect(fileDrift).toEqual(
            [
                "file /etc/logrotate.d/monsterr",
                "file /opt/monsterr/authelia/configuration.yml",
                "file /opt/monsterr/prometheus/etc/prometheus.yml",
                ...(secretKey ? [secretKey] : []),
            ].sort(),
        );
        const found = await refresh(dirs);
        const dirDrift = driftOf(found, dirs.inputs);
        expect(dirDrift.filter((k) => k.startsWith("dir "))).toEqual(["dir /data/media/movies", "dir /data/torrents/tv", "dir /opt/monsterr/diun/data"]);
        expect(dirDrift).toContain("firewall ufw rules");
        expect(dirDrift.filter((k) => k.startsWith("firewall DOCKER-USER ")).length).toBe(Object.keys(dirs.inputs.probes).filter((k) => k.startsWith("firewall DOCKER-USER ")).length);
        // chmod keeps a directory's setgid bit unless told otherwise (GNU coreutils): the mode read is the real one.
        expect(found.state["dir /data/media/movies"]).toBe("2700 1000:1000");
        // A secret file's hash is read into the secret map only.
        if (secretKey) expect(Object.keys((await refresh(files)).state)).not.toContain(secretKey);
    });

    it("up counts a repair for each drifted writer; running them again restores the host and the next read is clean", async () => {
        for (const s of states) {
            const found = await refresh(s);
            const diff = await hostStateProvider.diff!("host-state", found, s.inputs);
            expect(diff.changes).toBe(true);
            const { outs } = await hostStateProvider.update!("host-state", found, s.inputs);
            const generations = (outs as HostStateOutputs).generations;
            const repaired = Object.keys(generations).sort();
            if (s.name.endsWith("host-state")) expect(repaired).toEqual(["directories", "firewall"]);
            else expect(repaired).toEqual(expect.arrayContaining(["file /etc/logrotate.d/monsterr", "file /opt/monsterr/authelia/configuration.yml", "file /opt/monsterr/prometheus/etc/prometheus.yml"]));
            expect(Object.values(generations).every((g) => g === 1)).toBe(true);
            // What `up` runs: each repaired writer's script again (its text now carries the count).
            for (const key of repaired) {
                const writer = key === "directories" ? writers.find((w) => w.name.endsWith("-host-directories")) : key === "firewall" ? writers.find((w) => w.name.endsWith("-firewall-ufw")) : writers.find((w) => w.create.includes(`# monsterr file: ${key.replace(/^file /, "")}`));
                expect({ key, writer: writer !== undefined }).toEqual({ key, writer: true });
                runWriter(writer!);
            }
            s.outs = outs as HostStateOutputs;
        }
        for (const s of states) {
            const found = await refresh(s);
            expect({ resource: s.name, drift: driftOf(found, s.inputs) }).toEqual({ resource: s.name, drift: [] });
            // The second up changes nothing: no drift, and the counts stay where they are.
            expect((await hostStateProvider.diff!("host-state", found, s.inputs)).changes).toBe(false);
        }
    });

    it("a change the program makes is not drift: the writer runs for its new content, no repair is counted", async () => {
        const files = byName("file-state");
        const found = await refresh(files);
        const key = "file /opt/monsterr/authelia/configuration.yml";
        const news: HostStateInputs = { ...files.inputs, state: { ...files.inputs.state, [key]: "644 0:0 " + "0".repeat(64) } };
        expect((await hostStateProvider.diff!("host-state", found, news)).changes).toBe(true);
        const { outs } = await hostStateProvider.update!("host-state", found, news);
        expect((outs as HostStateOutputs).generations[key]).toBe(files.outs.generations[key]);
    });
});

describe("what refresh watches on the host (the plan)", () => {
    it("every generated file but the seeds the apps own and the secrets kept on the host; secret files' hashes secret", async () => {
        const p = await plan("prod");
        const files = reveal(p.byType(STATE).find((r) => r.name.endsWith("file-state"))!.inputs) as HostStateInputs;
        const watched = Object.keys(files.probes);
        const writes = p.resources.filter((r) => r.type === "command:remote:Command" && r.name.endsWith("-write")).map((r) => String(reveal(r.inputs.create)));
        const seeds = writes.filter((c) => c.includes('then cat >/dev/null; exit 0; fi')).map((c) => /# monsterr file: (\S+?)'?\n/.exec(c)![1]);
        const adopted = writes.filter((c) => c.includes("# monsterr adopted secret: ")).map((c) => /# monsterr adopted secret: (\S+?)'?\n/.exec(c)![1]);
        expect(seeds).toEqual(expect.arrayContaining(["/opt/monsterr/qbittorrent/qBittorrent/qBittorrent.conf", "/opt/monsterr/nzbget/nzbget.conf"]));
        for (const s of [...seeds, ...adopted]) expect(watched).not.toContain(`file ${s}`);
        expect(watched.length).toBe(writes.length - seeds.length - adopted.length);
        // The household's password hashes: watched by their hash, which stays in the secret map.
        expect(Object.keys(files.secretState)).toContain("file /opt/monsterr/authelia/users_database.yml");
        expect(Object.keys(files.state)).not.toContain("file /opt/monsterr/authelia/users_database.yml");
    });
});
