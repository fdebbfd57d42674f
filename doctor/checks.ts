import { crossHostFlows, privateAddressOf, publishedPrivately } from "../components/crossHost";
import { CATALOG, spec } from "../config/catalog";
import { EDGE_HOST, hostConfigOf, hostNames, hostSettingKey, privatePort, servicesOn } from "../config/placement";
import { ValidConfig } from "../config/validate";
import { usesDataTree } from "../config/validatePlacement";
import { DATA_FOLDERS, HostFacts, Peer } from "./facts";

export type Status = "pass" | "warn" | "fail";

export interface CheckResult {
    check: string;
    /** The host it is about, on a stack with several (`edge` or a key of `hosts`); shown before the check's name. */
    host?: string;
    status: Status;
    /** What was found. */
    detail: string;
    /** What to do, for anything but a pass. */
    fix?: string;
}

/** The product's minimum host: below it the default set runs, slowly or with apps turned off. */
export const MIN_CPUS = 4;
export const MIN_MEMORY_GIB = 7.5;
/** Docker Engine versions the program is tested against (API and DOCKER-USER behaviour). */
export const MIN_DOCKER = [20, 10];
/** Free space wanted beyond Prometheus' retention at the config root, and at the data tree. */
const CONFIG_SLACK_GIB = 5;
const DATA_MIN_GIB = 20;
/** Systems the host scripts are tested on (Debian) or share their tools with (Ubuntu). */
const TESTED_OS: Record<string, string[]> = { debian: ["12", "13"], ubuntu: ["22.04", "24.04"] };

const GIB_KB = 1024 * 1024;
const gib = (kb: number) => `${(kb / GIB_KB).toFixed(1)} GiB`;

const pass = (check: string, detail: string): CheckResult => ({ check, status: "pass", detail });
const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: "fail", detail, fix });
const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: "warn", detail, fix });

function versionAtLeast(v: string, min: number[]): boolean {
    const parts = v.split(/[.-]/).map((x) => Number.parseInt(x, 10));
    for (let i = 0; i < min.length; i++) {
        const p = Number.isNaN(parts[i]) ? 0 : parts[i] ?? 0;
        if (p !== min[i]) return p > min[i];
    }
    return true;
}

/** Prometheus' `10GB`/`500MB`/`1TB` in KiB. */
function sizeKb(size: string): number {
    const m = /^(\d+)(MB|GB|TB)$/.exec(size);
    if (!m) return 0;
    return (Number(m[1]) * { MB: 1e6, GB: 1e9, TB: 1e12 }[m[2] as "MB" | "GB" | "TB"]) / 1024;
}

/** The host ports the stack publishes on a host: what must be free (or already Monsterr's) before `up`. */
export function wantedPorts(config: ValidConfig, host = EDGE_HOST): string[] {
    const ports = new Set<string>();
    const flows = crossHostFlows(config);
    for (const s of servicesOn(config, host).map(spec)) {
        if (s.hostNetwork && s.route && s.port > 0) ports.add(`tcp:${s.port}`);
        if (config.services[s.name].behindVpn) continue;
        for (const p of s.publish ?? []) ports.add(`${p.protocol}:${p.external === "torrentPort" ? config.torrentPort : p.external}`);
        for (const p of publishedPrivately(flows, s.name, host)) ports.add(`tcp:${privatePort(s, p)}`);
    }
    return [...ports].sort();
}

/** The host paths the containers placed on a host are given as devices (`/dev/net/tun`, `/dev/dri`...). */
export function wantedDevices(config: ValidConfig, host = EDGE_HOST): Map<string, string[]> {
    const byPath = new Map<string, string[]>();
    for (const name of servicesOn(config, host)) {
        for (const d of config.services[name].devices ?? spec(name).devices ?? []) byPath.set(d, [...(byPath.get(d) ?? []), name]);
    }
    return byPath;
}

/**
 * The other hosts of the stack as `host` reaches them over the private link: each one's sshd at its private
 * address (a local edge host has no sshd of Monsterr's to ask for). None on a single-host stack.
 */
export function peersOf(config: ValidConfig, host = EDGE_HOST): Peer[] {
    if (Object.keys(config.hosts).length === 0) return [];
    return hostNames(config).flatMap((name) => {
        const t = hostConfigOf(config, name);
        return name !== host && t.kind === "ssh" ? [{ name, address: privateAddressOf(config, name), port: t.sshdPort }] : [];
    });
}

/** Everything the doctor checks on the host, from its facts. */
export function hostChecks(config: ValidConfig, f: HostFacts, host = EDGE_HOST): CheckResult[] {
    const out: CheckResult[] = [];
    const target = hostConfigOf(config, host);
    const ssh = target.kind === "ssh";
    const user = target.kind === "ssh" ? target.user : "you";
    const here = servicesOn(config, host);

    // A local (dev) stack runs as its user with no firewall of Monsterr's: only Docker itself matters there.
    if (!ssh) {
        out.push(pass("sudo", "a local stack needs no sudo"));
    } else if (f.uid !== 0) {
        out.push(f.sudo ? pass("sudo", `${user} runs sudo without a password`) : fail("sudo", `${user} cannot run sudo without a password`, `on the host: echo '${user} ALL=(ALL) NOPASSWD: ALL' | sudo tee /etc/sudoers.d/${user}; sudo chmod 0440 /etc/sudoers.d/${user}`));
        out.push(f.groups.includes("docker") ? pass("docker group", `${user} is in the docker group`) : fail("docker group", `${user} is not in the docker group (groups: ${f.groups.join(" ") || "none"}): the Docker provider talks to the daemon as ${user}`, `on the host: sudo usermod -aG docker ${user}, then log in again`));
    } else {
        out.push(pass("sudo", "logged in as root"));
    }

    if (!f.dockerVersion) {
        out.push(fail("docker", `no Docker daemon answered ${user}: ${f.dockerError || "docker: command not found"}`, "install Docker Engine 20.10 or newer (https://docs.docker.com/engine/install/debian/) and start it: sudo systemctl enable --now docker"));
    } else if (!versionAtLeast(f.dockerVersion, MIN_DOCKER)) {
        out.push(fail("docker", `Docker ${f.dockerVersion} is older than ${MIN_DOCKER.join(".")}`, "upgrade Docker Engine from Docker's apt repository"));
    } else {
        out.push(pass("docker", `Docker ${f.dockerVersion}`));
    }
    if (ssh) out.push(
        f.dockerUserChain
            ? pass("firewall backend", `DOCKER-USER exists (${f.iptablesVersion || "iptables"})`)
            : fail("firewall backend", `no DOCKER-USER chain in ${f.iptablesVersion || "iptables"}: Docker runs without its iptables firewall (nftables backend or iptables: false), and the firewall's block for published ports has nowhere to go`, "use Docker's default iptables firewall: remove \"firewall-backend\" and \"iptables\": false from /etc/docker/daemon.json, then sudo systemctl restart docker"),
    );

    // Host-network services (Plex) publish nothing through Docker: their catalog ports are Monsterr's own while they run.
    const ownHostPorts = CATALOG.filter((s) => s.hostNetwork && s.port > 0 && f.monsterrHostNetwork.includes(s.name)).map((s) => `tcp:${s.port}`);
    const wanted = wantedPorts(config, host);
    const taken = wanted.filter((p) => f.listening.includes(p) && !f.monsterrPorts.includes(p) && !ownHostPorts.includes(p));
    out.push(
        taken.length
            ? fail("ports", `already in use on the host by something else: ${taken.join(", ")}`, `find the program with sudo ss -ltnup | grep -E ':(${taken.map((p) => p.split(":")[1]).join("|")})\\b' and stop it, or move it (another web server on 80/443 is the usual one)`)
            : pass("ports", `free or Monsterr's own: ${wanted.join(", ") || "none"}`),
    );

    if (Object.keys(config.hosts).length > 0) {
        // Docker binds the ports other hosts use to this address: without it no container that publishes one starts.
        const address = privateAddressOf(config, host);
        const key = `${hostSettingKey(host)}.privateAddress`;
        out.push(
            f.addresses.includes(address)
                ? pass("private address", `${address} is on the host`)
                : fail("private address", `${address} (${key}) is not on any interface of the host (it has ${f.addresses.join(", ") || "no IPv4 address"})`, `bring the private link up on the host (its LAN address, WireGuard or Tailscale interface), or set ${key} to the address it has there`),
        );
    }
    for (const peer of peersOf(config, host)) {
        // Before the first up nothing is published yet; every host's sshd is open to all, so it answers over a working link.
        out.push(
            f.peersReached[peer.name]
                ? pass("private link", `reaches ${peer.name} at ${peer.address}:${peer.port}`)
                : fail("private link", `cannot reach ${peer.name} at ${peer.address}:${peer.port} over the private link: the proxy, Prometheus and the apps could not talk across hosts`, `check that both hosts are on the link (ip addr on each), and that its routes and any firewall between them let TCP through (from this host: timeout 3 bash -c 'exec 3<>/dev/tcp/${peer.address}/${peer.port}' && echo open)`),
        );
    }
    for (const [device, apps] of wantedDevices(config, host)) {
        out.push(
            f.devicesPresent[device]
                ? pass("devices", `${device} (${apps.join(", ")}) exists`)
                : fail("devices", `${device} does not exist on the host: ${apps.join(", ")} would not start`, device.startsWith("/dev/dri") ? `install the GPU's driver, or take ${device} out of services.${apps[0]}.devices` : `load its kernel module (for /dev/net/tun: sudo modprobe tun), or turn ${apps.join(", ")} off`),
        );
    }

    const configKb = f.freeKb[config.storage.configRoot] ?? 0;
    const prometheus = here.includes("prometheus");
    const configNeed = (prometheus ? sizeKb(config.monitoring.retentionSize) : 0) + CONFIG_SLACK_GIB * GIB_KB;
    out.push(
        configKb >= configNeed
            ? pass("disk: config root", `${gib(configKb)} free at ${config.storage.configRoot}`)
            : fail("disk: config root", `${gib(configKb)} free at ${config.storage.configRoot}, less than ${prometheus ? `Prometheus' ${config.monitoring.retentionSize} plus ` : ""}${CONFIG_SLACK_GIB} GiB for the apps`, `free space there, move storage.configRoot to a bigger disk${prometheus ? ", or lower monitoring.retentionSize" : ""}`),
    );
    if (here.some((n) => usesDataTree(spec(n)))) out.push(...dataTreeChecks(config, f));
    const memGib = f.memKb / GIB_KB;
    const caps = here.reduce((n, name) => n + config.services[name].memoryMb, 0) / 1024;
    // The minimum is the whole stack's; another host's share is judged by the memory limits below.
    if (host === EDGE_HOST && (f.cpus < MIN_CPUS || memGib < MIN_MEMORY_GIB)) {
        out.push(warn("cpu and memory", `${f.cpus} cores, ${memGib.toFixed(1)} GiB: below the ${MIN_CPUS} cores and 8 GB the default set is sized for`, "turn off apps you do not use (README, Requirements) or use a bigger host"));
    } else {
        out.push(pass("cpu and memory", `${f.cpus} cores, ${memGib.toFixed(1)} GiB`));
    }
    out.push(
        caps > 2 * memGib
            ? fail("memory limits", `the enabled apps' memory limits add up to ${caps.toFixed(1)} GiB, more than twice the host's ${memGib.toFixed(1)} GiB`, "turn some apps off (services.<name>.enabled false) or lower services.<name>.memoryMb")
            : pass("memory limits", `${caps.toFixed(1)} GiB of limits on ${memGib.toFixed(1)} GiB`),
    );

    const tested = TESTED_OS[f.os.id]?.includes(f.os.version);
    out.push(tested ? pass("os", f.os.pretty) : warn("os", `${f.os.pretty || "unknown system"}: not a system the host scripts are tested on`, "Debian 12 is tested; Ubuntu 22.04/24.04 share its tools; elsewhere ufw, iptables and apt-get must exist"));
    out.push(f.zoneinfo ? pass("time zone", `${config.timezone} is in the host's zoneinfo`) : fail("time zone", `${config.timezone} is not in /usr/share/zoneinfo on the host`, "pulumi config set monsterr:timezone Europe/Berlin (a name from timedatectl list-timezones), or install tzdata on the host"));
    return out;
}

/** Room for the media, and one filesystem for downloads and library (hardlinks): where an app writes the data tree. */
function dataTreeChecks(config: ValidConfig, f: HostFacts): CheckResult[] {
    const out: CheckResult[] = [];
    const dataKb = f.freeKb[config.storage.dataRoot] ?? 0;
    out.push(dataKb >= DATA_MIN_GIB * GIB_KB ? pass("disk: data tree", `${gib(dataKb)} free at ${config.storage.dataRoot}`) : fail("disk: data tree", `${gib(dataKb)} free at ${config.storage.dataRoot}, less than ${DATA_MIN_GIB} GiB`, "point storage.dataRoot at the disk for your media"));
    const devices = new Set(DATA_FOLDERS.map((d) => f.devices[d]));
    out.push(
        devices.size === 1 && !devices.has(undefined as unknown as string)
            ? pass("hardlinks", `${DATA_FOLDERS.map((d) => `${config.storage.dataRoot}/${d}`).join(", ")} are on one filesystem`)
            : fail("hardlinks", `${DATA_FOLDERS.map((d) => `${d}: device ${f.devices[d] ?? "?"}`).join(", ")}: downloads would be copied into the library, not hardlinked or moved`, `keep torrents/, usenet/ and media/ under ${config.storage.dataRoot} on one filesystem (one mount, not one per folder)`),
    );
    return out;
}
