import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateEngineConfig } from "../config/load";
import { ValidConfig } from "../config/validate";
import { checkLabel, runDoctor, renderResults, settingsChecks } from "../doctor";
import { CheckResult, wantedDevices, wantedPorts } from "../doctor/checks";
import { prepareDoctorHost } from "./support/doctorHost";
import { stackConfig } from "./support/plan";
import { SshHost } from "./support/sshHost/host";
import { PrivateLink } from "./support/sshHost/privateLink";
import { SPLIT_PUBLISHED } from "./policy/security";

/**
 * `npm run doctor` on the split stack: the edge host and the feeder, two disposable hosts joined by a private link.
 * Each host is checked for what it runs, its checks named after it; a feeder without its private address, with a
 * private port taken or unreachable fails on its own, and the edge host's checks still run.
 */
jest.setTimeout(240_000);

let edge: SshHost;
let feeder: SshHost;
let link: PrivateLink;
let edgePrivate: string;
let feederPrivate: string;
let keyFile: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-hosts-"));

function split(feederOver: Record<string, unknown> = {}, over: Record<string, unknown> = {}, secrets: Record<string, string> = {}): ValidConfig {
    const engine = stackConfig("split", {
        domain: "media.home-lab.net",
        adminEmail: "me@home-lab.net",
        tls: { mode: "selfsigned" },
        host: { type: "ssh", address: edge.ip, port: 22, user: edge.user, hostKey: edge.hostKey, privateAddress: edgePrivate, dataShare: "nas" },
        hosts: { feeder: { address: feeder.ip, port: 22, user: feeder.user, hostKey: feeder.hostKey, privateAddress: feederPrivate, dataShare: "nas", ...feederOver } },
        ...over,
    }, secrets);
    return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
}

/** Both hosts run apps that write the data tree (the feeder its downloads and imports, the edge host Calibre's and Audiobookshelf's). */
const EVERY_HOST = ["ssh", "sudo", "docker group", "docker", "firewall backend", "ports", "private address", "private link", "devices", "disk: config root", "disk: data tree", "hardlinks", "cpu and memory", "memory limits", "os", "time zone"];

const doctor = (c: ValidConfig = split()) => runDoctor(c, { identity: keyFile });
const failed = (results: CheckResult[]) => results.filter((r) => r.status === "fail").map(checkLabel);
const one = (results: CheckResult[], label: string) => results.find((r) => checkLabel(r) === label)!;

beforeAll(() => {
    edge = SshHost.start("doc2-edge");
    feeder = SshHost.start("doc2-feeder");
    link = PrivateLink.join("doc2", [edge, feeder]);
    edgePrivate = link.addressOf(edge.name);
    feederPrivate = link.addressOf(feeder.name);
    for (const h of [edge, feeder]) prepareDoctorHost(h);
    // One login key for both hosts, as a user's ssh-agent holds.
    fs.appendFileSync(path.join(feeder.dir, "keys", "authorized_keys"), fs.readFileSync(path.join(edge.dir, "client_ed25519.pub")));
    keyFile = path.join(tmp, "id");
    fs.writeFileSync(keyFile, edge.clientPrivateKey(), { mode: 0o600 });
});

afterAll(() => {
    edge?.stop();
    feeder?.stop();
    link?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the doctor on the split stack's two hosts", () => {
    it("checks each host for what it runs, its checks named after it", async () => {
        const t0 = Date.now();
        const results = await doctor();
        console.log(`doctor on two hosts: ${results.length} checks in ${Date.now() - t0} ms\n${renderResults(results)}`);
        expect(failed(results)).toEqual([]);
        expect(results.map(checkLabel)).toEqual([
            "settings",
            ...EVERY_HOST.map((c) => `edge: ${c}`),
            ...EVERY_HOST.map((c) => `feeder: ${c}`),
        ]);
        expect(one(results, "edge: private address").detail).toBe(`${edgePrivate} is on the host`);
        expect(one(results, "edge: private link").detail).toBe(`reaches feeder at ${feederPrivate}:22`);
        expect(one(results, "feeder: private link").detail).toBe(`reaches edge at ${edgePrivate}:22`);
        expect(one(results, "feeder: ssh").detail).toBe(`logged in as deploy@${feeder.ip}:22, host key as pinned`);
    });

    it("a feeder whose private address is not on it fails on that, and says which addresses it has", async () => {
        // An address on the link that no host has (an address off the link may be answered by this sandbox's egress).
        const nobody = feederPrivate.replace(/\.\d+$/, ".250");
        const results = await doctor(split({ privateAddress: nobody }));
        // The edge host cannot reach it either.
        expect(failed(results)).toEqual(["edge: private link", "feeder: private address"]);
        expect(one(results, "feeder: private address")).toMatchObject({
            detail: expect.stringMatching(new RegExp(`^${nobody.replace(/\./g, "\\.")} \\(hosts\\.feeder\\.privateAddress\\) is not on any interface of the host \\(it has .*${feederPrivate.replace(/\./g, "\\.")}`)),
            fix: expect.stringContaining("or set hosts.feeder.privateAddress to the address it has there"),
        });
    });

    it("a link that drops the edge host's connections fails on the edge host: it cannot reach the feeder", async () => {
        feeder.exec(`iptables -I INPUT -s ${edgePrivate} -p tcp --dport 22 -j DROP`);
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["edge: private link"]);
            expect(one(results, "edge: private link")).toMatchObject({
                detail: `cannot reach feeder at ${feederPrivate}:22 over the private link: the proxy, Prometheus and the apps could not talk across hosts`,
                fix: expect.stringContaining(`exec 3<>/dev/tcp/${feederPrivate}/22`),
            });
        } finally {
            feeder.exec(`iptables -D INPUT -s ${edgePrivate} -p tcp --dport 22 -j DROP`);
        }
    });

    it("a private port the feeder publishes, taken by another program, fails on the feeder only", async () => {
        feeder.exec("setsid nohup nc -lk -p 17050 >/dev/null 2>&1 </dev/null &\nsleep 0.3");
        try {
            const results = await doctor();
            expect(failed(results)).toEqual(["feeder: ports"]);
            expect(one(results, "feeder: ports").detail).toBe("already in use on the host by something else: tcp:17050");
        } finally {
            feeder.exec("pkill -f 'nc -lk -p 17050' || true");
        }
    });

    it("a feeder without /dev/net/tun cannot run a VPN container there", async () => {
        const c = split({}, { vpn: { provider: "mullvad", wireguardAddresses: "10.64.222.21/32" } }, { vpnWireguardPrivateKey: "aGVsbG8gd29ybGQgdGhpcyBpcyBhIHRlc3Qga2V5IT0=" });
        expect([...wantedDevices(c, "feeder").keys()].sort()).toEqual(["/dev/kmsg", "/dev/net/tun"]);
        const results = await doctor(c);
        expect(failed(results)).toEqual(["feeder: devices"]);
        expect(results.filter((r) => checkLabel(r) === "feeder: devices").map((r) => [r.status, r.detail])).toEqual([
            ["fail", "/dev/net/tun does not exist on the host: gluetun would not start"],
            ["pass", "/dev/kmsg (cadvisor) exists"],
        ]);
    });

    it("an unreachable feeder fails on its own and on the edge host's link check; the edge host is still checked", async () => {
        const results = await doctor(split({ port: 2222 }));
        // Its sshd port is the one the edge host's link check knocks at, too.
        expect(failed(results)).toEqual(["edge: private link", "feeder: ssh"]);
        expect(one(results, "feeder: ssh").detail).toContain(`cannot reach deploy@${feeder.ip}:2222`);
        expect(results.filter((r) => r.host === "edge").map(checkLabel)).toEqual(EVERY_HOST.map((c) => `edge: ${c}`));
    });
});

describe("the doctor's view of each host (unit)", () => {
    const example = () => {
        const engine = stackConfig("split");
        return validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
    };

    it("asks each host for the ports it publishes: the feeder's private ports and the torrent port, the edge's public ones", () => {
        // The reviewed table of what the split plan publishes: every app there but the proxy runs on the feeder.
        const feeder = Object.entries(SPLIT_PUBLISHED).filter(([name]) => name !== "nginx-proxy-manager").flatMap(([, ports]) => ports.map((p) => p.replace(/^.*:(\d+)->\d+\/(tcp|udp)$/, "$2:$1")));
        expect(feeder).toHaveLength(20);
        expect(wantedPorts(example(), "feeder")).toEqual([...new Set(feeder)].sort());
        expect(wantedPorts(example(), "edge")).toEqual(["tcp:32400", "tcp:443", "tcp:80"].sort());
    });

    it("refuses the split stack's example values for both hosts, and asks neither", async () => {
        const results = settingsChecks(example());
        expect(results.map((r) => r.detail)).toEqual([
            "monsterr:domain is still the example value (media.example.com)",
            "monsterr:adminEmail is still the example value (example.com)",
            "monsterr:host.address is still the example value (media.example.com)",
            "monsterr:hosts.feeder.address is still the example value (feeder.example.com)",
            "monsterr:host.hostKey is the example key, which no host has",
            "monsterr:hosts.feeder.hostKey is the example key, which no host has",
        ]);
        expect(results.find((r) => r.detail.startsWith("monsterr:hosts.feeder.address"))!.fix).toBe("pulumi config set --path monsterr:hosts.feeder.address <yours>");
        expect((await runDoctor(example())).map((r) => r.check)).toEqual(results.map((r) => r.check));
    });
});
