import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { QBITTORRENT_USER } from "../components/files/qbittorrent";
import { gluetunEnv, portForwardCommand } from "../components/vpn";
import { ConfigError } from "../config/errors";
import { validateConfig } from "../config/validate";
import { VPN, VPN_SECRETS, issuesOf, minimal } from "./support/config";
import { freePort, requireBinary } from "./support/binaries";
import { CONTAINER, isSecret, plan, reveal } from "./support/plan";

const env = (c: Record<string, any>) => Object.fromEntries((c.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

describe("qBittorrent behind the VPN (monsterr:vpn)", () => {
    it("runs gluetun with qBittorrent's networks under qBittorrent's name, and qBittorrent inside its namespace", async () => {
        const p = await plan("prod", VPN, VPN_SECRETS);
        const gluetun = p.container("gluetun")!;
        const qbt = p.container("qbittorrent")!;
        expect(gluetun.image).toBeDefined();
        expect(p.byType("docker:index/remoteImage:RemoteImage").map((r) => r.inputs.name)).toContain("qmcgaw/gluetun:v3.41.1");
        expect(gluetun.capabilities).toEqual({ adds: ["CAP_NET_ADMIN"] });
        expect(gluetun.devices).toEqual([{ hostPath: "/dev/net/tun", containerPath: "/dev/net/tun", permissions: "rwm" }]);
        expect(gluetun.networksAdvanced).toEqual([
            { name: "monsterr-edge-qbittorrent", aliases: ["qbittorrent"] },
            { name: "monsterr-backend", aliases: ["qbittorrent"] },
        ]);
        expect(gluetun.ports).toEqual([]);
        const gluetunId = `${p.byType(CONTAINER).find((r) => r.inputs.name === "gluetun")!.name}-id`;
        expect({ networkMode: qbt.networkMode, networks: qbt.networksAdvanced, ports: qbt.ports, hostname: qbt.hostname }).toEqual({ networkMode: `container:${gluetunId}`, networks: undefined, ports: [], hostname: undefined });
        // The proxy host and every download-client link still dial qbittorrent:8080, now gluetun's namespace.
        const host = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as { domainNames: string[]; forwardHost: string }).find((h) => h.domainNames[0].startsWith("qbittorrent."))!;
        expect(host.forwardHost).toBe("qbittorrent");
    });

    it("configures gluetun from the stack, the WireGuard key only as a secret file, the control server on its loopback", async () => {
        const p = await plan("prod", VPN, VPN_SECRETS);
        const e = env(p.container("gluetun")!);
        expect(e).toMatchObject({
            VPN_SERVICE_PROVIDER: "mullvad",
            VPN_TYPE: "wireguard",
            SERVER_COUNTRIES: "Netherlands",
            WIREGUARD_ADDRESSES: "10.64.222.21/32",
            WIREGUARD_PRIVATE_KEY_SECRETFILE: "/run/secrets/vpn-wireguard-private-key",
            HTTP_CONTROL_SERVER_ADDRESS: "127.0.0.1:8000",
            VPN_PORT_FORWARDING: "off",
        });
        expect(JSON.stringify(p.container("gluetun")!.envs)).not.toContain(VPN_SECRETS.vpnWireguardPrivateKey);
        const write = p.resources.find((r) => r.type.startsWith("command:") && String(reveal(r.inputs.create)).includes("/secrets/vpn-wireguard-private-key"))!;
        expect(isSecret(write.inputs.stdin)).toBe(true);
        expect(p.container("gluetun")!.volumes).toContainEqual({ hostPath: "/opt/monsterr/secrets/vpn-wireguard-private-key", containerPath: "/run/secrets/vpn-wireguard-private-key", readOnly: true });
    });

    it("publishes no torrent port and opens none in the firewall: peers come through the tunnel", async () => {
        const withVpn = await plan("prod", VPN, VPN_SECRETS);
        const without = await plan("prod");
        const ufw = (p: typeof withVpn) => String(reveal(p.resources.find((r) => r.name.endsWith("-firewall-ufw"))!.inputs.create));
        expect(ufw(without)).toMatch(/allow 51413\/tcp/);
        expect(ufw(withVpn)).not.toMatch(/allow 51413\//);
        expect(withVpn.containers().flatMap((c) => (c.ports ?? []).map((x: { external: number }) => x.external))).not.toContain(51413);
    });

    it("leaves the plan as it was without the setting", async () => {
        const p = await plan("prod");
        expect(p.container("gluetun")).toBeUndefined();
        expect(p.container("qbittorrent")!.networkMode).toBe("monsterr-edge-qbittorrent");
    });
});

describe("monsterr:vpn validation", () => {
    const check = (vpn: unknown, secrets: Record<string, boolean> = { vpnWireguardPrivateKey: true }, services?: unknown) => {
        try {
            validateConfig({ ...minimal, vpn, ...(services ? { services } : {}) }, secrets);
            return [];
        } catch (e) {
            return (e as ConfigError).issues.map((i) => i.key);
        }
    };

    it("accepts WireGuard with a key, OpenVPN with credentials, and port forwarding where the provider has it", () => {
        expect(check(VPN.vpn)).toEqual([]);
        expect(check({ provider: "PIA", type: "openvpn", portForwarding: true }, { vpnOpenvpnUser: true, vpnOpenvpnPassword: true })).toEqual([]);
        expect(validateConfig({ ...minimal, vpn: { provider: "PIA", type: "openvpn" } }, { vpnOpenvpnUser: true, vpnOpenvpnPassword: true }).vpn.provider).toBe("private internet access");
        expect(validateConfig(minimal).vpn.enabled).toBe(false);
        expect(validateConfig({ ...minimal, vpn: { enabled: false } }).services.gluetun.enabled).toBe(false);
        expect(validateConfig({ ...minimal, ...VPN }, { vpnWireguardPrivateKey: true }).services).toMatchObject({ gluetun: { enabled: true }, qbittorrent: { enabled: true, behindVpn: true } });
    });

    it.each([
        ["an unknown provider", { provider: "acmevpn", wireguardAddresses: "10.0.0.2/32" }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.provider"]],
        ["WireGuard with a provider gluetun speaks only OpenVPN with", { provider: "expressvpn", wireguardAddresses: "10.0.0.2/32" }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.type"]],
        ["WireGuard without its key", { provider: "mullvad", wireguardAddresses: "10.0.0.2/32" }, {}, ["monsterr:vpnWireguardPrivateKey"]],
        ["WireGuard with the key in plain text", { provider: "mullvad", wireguardAddresses: "10.0.0.2/32" }, { vpnWireguardPrivateKey: false }, ["monsterr:vpnWireguardPrivateKey"]],
        ["an IPv6 WireGuard address", { provider: "mullvad", wireguardAddresses: "fc00:bbbb::2/128" }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.wireguardAddresses"]],
        ["OpenVPN without credentials", { provider: "nordvpn", type: "openvpn" }, {}, ["monsterr:vpnOpenvpnUser", "monsterr:vpnOpenvpnPassword"]],
        ["port forwarding with a provider that has none", { ...VPN.vpn, portForwarding: true }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.portForwarding"]],
        ["a country list gluetun would split wrong", { ...VPN.vpn, serverCountries: ["Netherlands, Germany"] }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.serverCountries"]],
        ["an unknown field", { ...VPN.vpn, killSwitch: false }, { vpnWireguardPrivateKey: true }, ["monsterr:vpn.killSwitch"]],
    ])("refuses %s, naming the key", (_what, vpn, secrets, keys) => {
        expect(check(vpn, secrets as Record<string, boolean>)).toEqual(keys);
    });

    it("refuses turning gluetun on by hand, and the VPN without qBittorrent", () => {
        expect(issuesOf({ ...minimal, services: { gluetun: { enabled: true } } }).map((i) => i.key)).toEqual(["monsterr:services.gluetun.enabled"]);
        expect(check(VPN.vpn, { vpnWireguardPrivateKey: true }, { qbittorrent: { enabled: false } })).toEqual(["monsterr:services.qbittorrent.enabled"]);
    });
});

describe("the port-forwarding command, against the real qbittorrent-nox", () => {
    let proc: ChildProcess | undefined;
    let profile: string;
    afterAll(() => {
        proc?.kill("SIGKILL");
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
    });

    it("signs in with the stack's password and makes the forwarded port qBittorrent's listening port", async () => {
        const qbt = requireBinary("qbittorrent-nox", "qbittorrent-nox");
        requireBinary("wget", "wget");
        const p = await plan("prod", { ...VPN, vpn: { provider: "protonvpn", wireguardAddresses: "10.2.0.2/32", portForwarding: true } }, VPN_SECRETS);
        const command = env(p.container("gluetun")!).VPN_PORT_FORWARDING_UP_COMMAND;
        expect(command).toBe(portForwardCommand());
        expect(gluetunEnv(validateConfig({ ...minimal, vpn: { provider: "protonvpn", wireguardAddresses: "10.2.0.2/32", portForwarding: true } }, { vpnWireguardPrivateKey: true }).vpn)).toContain("VPN_PORT_FORWARDING=on");
        const password = p.files.get("/opt/monsterr/secrets/qbittorrent-password")!;
        profile = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-qbt-vpn-"));
        const dir = path.join(profile, "qBittorrent", "config");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "qBittorrent.conf"), p.files.get("/opt/monsterr/qbittorrent/qBittorrent/qBittorrent.conf")!);
        fs.writeFileSync(path.join(profile, "password"), password);
        const port = await freePort();
        proc = spawn(qbt, [`--profile=${profile}`, `--webui-port=${port}`], { stdio: "ignore", env: { ...process.env, HOME: profile } });
        // gluetun splits `/bin/sh -c '<script>'` like a shell (internal/command/split.go): sh gets the quoted script.
        const script = /^\/bin\/sh -c '(.*)'$/s.exec(command)![1]
            .replace(/\{\{PORT\}\}/g, "51820")
            .replace(/\{\{VPN_INTERFACE\}\}/g, "lo")
            .replace("/run/secrets/qbittorrent-password", path.join(profile, "password"))
            .replace(/127\.0\.0\.1:8080/g, `127.0.0.1:${port}`);
        let ok = false;
        for (let i = 0; i < 100 && !ok; i++) {
            try {
                execFileSync("/bin/sh", ["-c", script], { stdio: "pipe" });
                ok = true;
            } catch {
                await new Promise((r) => setTimeout(r, 100));
            }
        }
        expect(ok).toBe(true);
        const login = await fetch(`http://127.0.0.1:${port}/api/v2/auth/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username: QBITTORRENT_USER, password }).toString() });
        const cookie = login.headers.get("set-cookie")!.split(";")[0];
        const prefs = (await fetch(`http://127.0.0.1:${port}/api/v2/app/preferences`, { headers: { cookie } }).then((r) => r.json())) as Record<string, unknown>;
        expect(prefs).toMatchObject({ listen_port: 51820, current_network_interface: "lo", random_port: false, upnp: false });
        // A wrong password makes the command fail (gluetun logs it), never set a port anonymously.
        fs.writeFileSync(path.join(profile, "password"), "not-the-password");
        expect(() => execFileSync("/bin/sh", ["-c", script.replace("51820", "40000")], { stdio: "pipe" })).toThrow();
    });
});
