import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateEngineConfig } from "../config/load";
import { ValidConfig } from "../config/validate";
import { runDoctor, renderResults, settingsChecks } from "../doctor";
import { CheckResult, hostChecks } from "../doctor/checks";
import { HostFacts } from "../doctor/facts";
import { stackConfig } from "./support/plan";
import { prepareDoctorHost } from "./support/doctorHost";
import { SshHost } from "./support/sshHost/host";
import { StubDns, startStubDns } from "./support/stubDns";
import { scriptedAsker } from "../setup/askers";
import { runSetup } from "../setup/flow";
import { StackFile } from "../setup/stackFile";

/**
 * `npm run doctor` against a disposable Debian host over real ssh (pinned host key, sudo) and a stub DNS server:
 * every check passes on a host set up right, and each fails, with its fix, when the one thing it looks at is broken.
 */
jest.setTimeout(240_000);

const DOMAIN = "media.home-lab.net";
let host: SshHost;
let dns: StubDns;
let keyFile: string;
let config: ValidConfig;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-"));

function stack(overrides: Record<string, unknown> = {}): ValidConfig {
    const engine = stackConfig("prod", {
        domain: DOMAIN,
        adminEmail: "me@home-lab.net",
        host: { type: "ssh", address: host.ip, port: 22, user: host.user, hostKey: host.hostKey },
        ...overrides,
    });
    return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
}

async function doctor(c: ValidConfig = config, identity = keyFile): Promise<CheckResult[]> {
    return runDoctor(c, { identity, dnsServers: [dns.server] });
}

const byCheck = (results: CheckResult[], check: string) => results.filter((r) => r.check === check);
const failed = (results: CheckResult[]) => results.filter((r) => r.status === "fail").map((r) => r.check);

beforeAll(async () => {
    host = SshHost.start("doctor");
    prepareDoctorHost(host);
    keyFile = path.join(tmp, "id");
    fs.writeFileSync(keyFile, host.clientPrivateKey(), { mode: 0o600 });
    dns = await startStubDns({ [DOMAIN]: [host.ip], [`*.${DOMAIN}`]: [host.ip] });
    config = stack();
});

afterAll(async () => {
    host?.stop();
    await dns?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
});

describe("npm run doctor on a disposable host", () => {
    it("passes every check on a host set up right (a 2-core test machine only warns)", async () => {
        const t0 = Date.now();
        const results = await doctor();
        console.log(`doctor against the disposable host: ${results.length} checks in ${Date.now() - t0} ms\n${renderResults(results)}`);
        expect(failed(results)).toEqual([]);
        expect(results.map((r) => r.check)).toEqual([
            "settings", "ssh", "sudo", "docker group", "docker", "firewall backend", "ports", "devices", "disk: config root", "disk: data tree",
            "hardlinks", "cpu and memory", "memory limits", "os", "time zone", "dns: domain", "dns: subdomains",
        ]);
        expect(byCheck(results, "docker")[0].detail).toBe("Docker 27.5.1");
        expect(byCheck(results, "os")[0]).toMatchObject({ status: "pass", detail: expect.stringContaining("Debian GNU/Linux 12") });
    });

    it("a port the stack publishes, taken by another program", async () => {
        host.exec("setsid nohup nc -lk -p 443 >/dev/null 2>&1 </dev/null &\nsleep 0.3");
        try {
            const [ports] = byCheck(await doctor(), "ports");
            expect(ports).toMatchObject({ status: "fail", detail: "already in use on the host by something else: tcp:443" });
            expect(ports.fix).toContain("ss -ltnup");
            // The same port published by Monsterr's own proxy (a second doctor run after `up`) is fine.
            host.exec("echo '0.0.0.0:443->443/tcp, [::]:443->443/tcp, 0.0.0.0:80->80/tcp' > /etc/monsterr-fake-ps");
            expect(byCheck(await doctor(), "ports")[0].status).toBe("pass");
            // Plex on the host network publishes nothing through Docker: its port is its own while it runs.
            host.exec("setsid nohup nc -lk -p 32400 >/dev/null 2>&1 </dev/null &\nsleep 0.3");
            expect(byCheck(await doctor(), "ports")[0]).toMatchObject({ status: "fail", detail: "already in use on the host by something else: tcp:32400" });
            host.exec("echo plex > /etc/monsterr-fake-ps-host");
            expect(byCheck(await doctor(), "ports")[0].status).toBe("pass");
        } finally {
            host.exec("rm -f /etc/monsterr-fake-ps /etc/monsterr-fake-ps-host; pkill -f 'nc -lk -p 32400' || true");
            host.exec("pkill -f 'nc -lk -p 443' || true");
        }
    });

    it("no docker, no docker group, no sudo, no DOCKER-USER chain", async () => {
        host.exec("mv /usr/local/bin/docker /usr/local/bin/docker.off && gpasswd -d deploy docker >/dev/null && mv /etc/sudoers.d/deploy /root/deploy.sudo");
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["sudo", "docker group", "docker", "firewall backend"]);
            expect(byCheck(results, "docker")[0].detail).toMatch(/no Docker daemon answered deploy: .*docker: (command )?not found|no Docker daemon answered deploy: docker: command not found/);
            expect(byCheck(results, "sudo")[0].fix).toContain("NOPASSWD");
            expect(byCheck(results, "docker group")[0].fix).toBe("on the host: sudo usermod -aG docker deploy, then log in again");
        } finally {
            host.exec("mv /root/deploy.sudo /etc/sudoers.d/deploy && usermod -aG docker deploy && mv /usr/local/bin/docker.off /usr/local/bin/docker");
        }
        host.exec("iptables -X DOCKER-USER");
        try {
            expect(failed(await doctor())).toEqual(["firewall backend"]);
        } finally {
            host.exec("iptables -N DOCKER-USER");
        }
    });

    it("a full data disk, and media on another filesystem than the downloads", async () => {
        host.exec("mkdir -p /data && mount -t tmpfs -o size=1m tmpfs /data");
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["disk: data tree"]);
            expect(byCheck(results, "disk: data tree")[0].detail).toMatch(/^1\.0 GiB|^0\.0 GiB free at \/data, less than 20 GiB$/);
        } finally {
            host.exec("umount /data");
        }
        host.exec("mkdir -p /data/media && mount -t tmpfs -o size=1m tmpfs /data/media");
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["hardlinks"]);
            expect(byCheck(results, "hardlinks")[0].fix).toContain("on one filesystem");
        } finally {
            host.exec("umount /data/media");
        }
    });

    it("the wrong host key pinned: refused, with the fingerprint the host presents to compare", async () => {
        const other = stack({ host: { type: "ssh", address: host.ip, port: 22, user: host.user, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0YWdpbmctaG9zdC1rZXktZm9yLXRoZS10ZXN0cw" } });
        const results = await doctor(other);
        const [key] = byCheck(results, "host key");
        const actual = spawnSync("ssh-keygen", ["-l", "-f", "-"], { input: `${host.ip} ${host.hostKey}\n`, encoding: "utf8" }).stdout.split(" ")[1];
        expect(key).toMatchObject({ status: "fail", detail: `${host.ip} does not present the pinned key; it presents ${actual}` });
        expect(key.fix).toContain(`only if they match: pulumi config set --path monsterr:host.hostKey '${host.hostKey}'`);
        // Nothing else ran on a host that could not be verified.
        expect(byCheck(results, "docker")).toEqual([]);
    });

    it("a key the host does not accept, and a wildcard record that points elsewhere", async () => {
        const stranger = path.join(tmp, "stranger");
        spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]);
        const [login] = byCheck(await doctor(config, stranger), "ssh");
        expect(login).toMatchObject({ status: "fail", detail: expect.stringContaining("refused the login") });
        dns.records.set(`*.${DOMAIN}`, ["10.99.0.1"]);
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["dns: subdomains"]);
            expect(byCheck(results, "dns: subdomains")[0].fix).toBe(`at your DNS provider: A *.${DOMAIN} -> ${host.ip} only (a wildcard record covers every app's name)`);
        } finally {
            dns.records.set(`*.${DOMAIN}`, [host.ip]);
        }
        // A parking AAAA record left at the registrar: Let's Encrypt would try it first.
        dns.records.set(`aaaa:${DOMAIN}`, ["2001:db8::1"]);
        try {
            const [apex] = byCheck(await doctor(), "dns: domain");
            expect(apex).toMatchObject({ status: "fail", detail: `${DOMAIN} has AAAA 2001:db8::1, not the host's (${host.ip}): Let's Encrypt tries IPv6 first` });
        } finally {
            dns.records.delete(`aaaa:${DOMAIN}`);
        }
        // A second A record elsewhere fails too: any of them may be tried.
        dns.records.set(DOMAIN, [host.ip, "10.99.0.2"]);
        try {
            expect(byCheck(await doctor(), "dns: domain")[0].status).toBe("fail");
        } finally {
            dns.records.set(DOMAIN, [host.ip]);
        }
    });

    it("a time zone the host does not have", async () => {
        host.exec("mv /usr/share/zoneinfo/Europe/Berlin /root/Berlin");
        try {
            const [tz] = byCheck(await doctor(), "time zone");
            expect(tz).toMatchObject({ status: "fail", detail: "Europe/Berlin is not in /usr/share/zoneinfo on the host" });
        } finally {
            host.exec("mv /root/Berlin /usr/share/zoneinfo/Europe/Berlin");
        }
    });
});

describe("npm run setup against the disposable host", () => {
    const answers = (over: Record<string, string> = {}) => ({
        domain: DOMAIN, adminEmail: "me@home-lab.net", hostType: "ssh", address: host.ip, port: "22", user: host.user,
        configRoot: "/opt/monsterr", dataRoot: "/data", timezone: "Europe/Berlin", puid: "1000", pgid: "1000", tls: "letsencrypt", ...over,
    });
    const fingerprint = () => spawnSync("ssh-keygen", ["-l", "-f", "-"], { input: `${host.ip} ${host.hostKey}\n`, encoding: "utf8" }).stdout.split(" ")[1];

    it("pins the host key only once its fingerprint is confirmed, then checks the host and writes the stack", async () => {
        const r = await runSetup(scriptedAsker({ ...answers(), hostFingerprint: fingerprint() }, true), { stack: "lab", file: new StackFile(""), identity: keyFile, dnsServers: [dns.server] });
        expect(r.problems).toEqual([]);
        const written = new StackFile(r.written!).answers();
        expect(written).toMatchObject({ hostType: "ssh", address: host.ip, user: "deploy", hostKey: host.hostKey });
        expect(r.secretCommands[0]).toBe(`pulumi config set --stack lab --secret monsterr:sshPrivateKey < ${keyFile}   # optional: or leave it to ssh-agent`);
    });

    it("writes nothing when the fingerprint is not the one the host presents", async () => {
        const r = await runSetup(scriptedAsker({ ...answers(), hostFingerprint: "SHA256:somethingElse" }, true), { stack: "lab", file: new StackFile(""), identity: keyFile, dnsServers: [dns.server] });
        expect(r.written).toBeUndefined();
        expect(r.problems).toEqual([`host key: ${fingerprint()} not confirmed; nothing was written. Check the fingerprint on the server's console and run the setup again`]);
    });
});

describe("doctor (unit)", () => {
    const facts = (over: Partial<HostFacts> = {}): HostFacts => ({
        uid: 1000, sudo: true, groups: ["deploy", "docker"], dockerVersion: "27.5.1", dockerError: "", dockerUserChain: true, iptablesVersion: "iptables v1.8.9 (legacy)",
        listening: [], monsterrPorts: [], monsterrHostNetwork: [], freeKb: { "/opt/monsterr": 100 * 1024 * 1024, "/data": 1000 * 1024 * 1024 }, devices: { torrents: "2049", usenet: "2049", media: "2049" },
        cpus: 8, memKb: 32 * 1024 * 1024, os: { id: "ubuntu", version: "24.04", pretty: "Ubuntu 24.04 LTS" }, zoneinfo: true,
        addresses: ["127.0.0.1", "192.168.1.20"], devicesPresent: { "/dev/kmsg": true, "/dev/net/tun": true }, peersReached: {}, ...over,
    });
    const offline = () => {
        const engine = stackConfig("prod", { domain: DOMAIN });
        return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
    };
    const status = (f: HostFacts, check: string) => hostChecks(offline(), f).find((r) => r.check === check)!;

    it("judges versions, systems and sizes it cannot set up on the test host", () => {
        expect(hostChecks(offline(), facts()).filter((r) => r.status !== "pass")).toEqual([]);
        expect(status(facts({ dockerVersion: "19.03.15" }), "docker")).toMatchObject({ status: "fail", detail: "Docker 19.03.15 is older than 20.10" });
        expect(status(facts({ dockerVersion: "20.10.0" }), "docker").status).toBe("pass");
        expect(status(facts({ os: { id: "ubuntu", version: "20.04", pretty: "Ubuntu 20.04.6 LTS" } }), "os").status).toBe("warn");
        expect(status(facts({ memKb: 6 * 1024 * 1024 }), "memory limits")).toMatchObject({ status: "fail", detail: expect.stringContaining("more than twice the host's 6.0 GiB") });
        expect(status(facts({ memKb: 6 * 1024 * 1024 }), "cpu and memory").status).toBe("warn");
        expect(status(facts({ uid: 0, groups: ["root"] }), "sudo")).toMatchObject({ status: "pass", detail: "logged in as root" });
        expect(hostChecks(offline(), facts({ uid: 0, groups: ["root"] })).map((r) => r.check)).not.toContain("docker group");
        const local = () => {
            const engine = stackConfig("dev");
            return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
        };
        const dev = hostChecks(local(), facts({ sudo: false, groups: ["me"], dockerUserChain: false, freeKb: { "/var/tmp/monsterr-dev/config": 1e9, "/var/tmp/monsterr-dev/data": 1e9 } }));
        expect(dev.filter((r) => r.status === "fail")).toEqual([]);
        expect(dev.map((r) => r.check)).not.toContain("firewall backend");
        expect(status(facts({ freeKb: { "/opt/monsterr": 12 * 1024 * 1024, "/data": 1e9 } }), "disk: config root")).toMatchObject({ status: "fail", detail: expect.stringContaining("less than Prometheus' 10GB plus 5 GiB") });
    });

    it("refuses the committed example values by key", () => {
        const engine = stackConfig("prod");
        const results = settingsChecks(validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k)));
        expect(results.map((r) => [r.status, r.detail])).toEqual([
            ["fail", "monsterr:domain is still the example value (media.example.com)"],
            ["fail", "monsterr:adminEmail is still the example value (example.com)"],
            ["fail", "monsterr:host.address is still the example value (media.example.com)"],
            ["fail", "monsterr:host.hostKey is the example key, which no host has"],
        ]);
        expect(results[2].fix).toBe("pulumi config set --path monsterr:host.address <yours>");
    });

    it("exits 1 on a failure and 2 on a bad call, naming the option", () => {
        const cli = (args: string[]) => spawnSync(process.execPath, ["-r", "./scripts/transpileCache.js", "scripts/doctor.ts", ...args], { cwd: path.join(__dirname, ".."), encoding: "utf8" });
        const bad = cli(["--stak", "prod"]);
        expect({ code: bad.status, err: bad.stderr }).toEqual({ code: 2, err: expect.stringContaining("--stak") });
        const prod = cli(["--stack", "prod"]);
        expect(prod.status).toBe(1);
        expect(prod.stdout).toContain("FAIL  settings");
    });
});
