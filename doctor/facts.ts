import { shQuote } from "../components/shell";

/**
 * What the doctor learns from the host in one shell session, as the stack's login user (so sudo and the docker group
 * are tested, not assumed): one `key=value` line per fact. Privileged facts go through `sudo -n`, which is itself a fact.
 */
export interface HostFacts {
    uid: number;
    /** `sudo -n true` worked (always true for root). */
    sudo: boolean;
    groups: string[];
    /** `docker version` of the server, as the login user; empty when docker is missing or the daemon refuses. */
    dockerVersion: string;
    dockerError: string;
    /** Docker's DOCKER-USER chain exists in the iptables the host uses. */
    dockerUserChain: boolean;
    iptablesVersion: string;
    /** `proto:port` of every listening socket. */
    listening: string[];
    /** `proto:port` published by Monsterr's own containers (label monsterr.service). */
    monsterrPorts: string[];
    /** Monsterr's services running on the host network (Plex): their ports are theirs, though Docker publishes none. */
    monsterrHostNetwork: string[];
    /** Free KiB at each storage root (the nearest existing folder). */
    freeKb: Record<string, number>;
    /** Device of each data-tree folder (the nearest existing folder): downloads and media must share one. */
    devices: Record<string, string>;
    cpus: number;
    memKb: number;
    os: { id: string; version: string; pretty: string };
    /** The stack's time zone exists in the host's zoneinfo. */
    zoneinfo: boolean;
    /** The host's IPv4 addresses, from every interface (the private link's among them). */
    addresses: string[];
    /** Which of the device paths asked about exist on the host. */
    devicesPresent: Record<string, boolean>;
    /** Which of the other hosts asked about answered a TCP connection from this one (by host name). */
    peersReached: Record<string, boolean>;
}

/** Another host of the stack, as this one reaches it over the private link: its sshd, open to everyone on every host. */
export interface Peer {
    name: string;
    address: string;
    port: number;
}

/** The folders whose device must be the same: where downloads land and where the library is. */
export const DATA_FOLDERS = ["torrents", "usenet", "media"];

/**
 * The fact-gathering script; every command may fail without stopping the others. `devices`: paths to look for;
 * `peers`: other hosts to connect to (bash's /dev/tcp, 3 s each: no nc or ping needed).
 */
export function factsScript(roots: { configRoot: string; dataRoot: string }, timezone: string, devices: string[] = [], peers: Peer[] = []): string {
    // The nearest existing folder of a path: df and stat need one that exists.
    const near = 'near() { p=$1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; printf "%s" "$p"; }';
    const lines = [
        "set -u",
        // Untranslated, C-sorted output whatever locale the ssh session carries.
        "export LC_ALL=C",
        near,
        'echo "uid=$(id -u)"',
        'if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then echo sudo=1; S=""; [ "$(id -u)" = 0 ] || S="sudo -n"; else echo sudo=0; S=false; fi',
        'echo "groups=$(id -nG | tr " " ",")"',
        "v=$(docker version --format '{{.Server.Version}}' 2>/tmp/.monsterr-doctor.$$) || true",
        'echo "dockerVersion=$v"',
        'echo "dockerError=$(head -c 300 /tmp/.monsterr-doctor.$$ 2>/dev/null | tr "\\n" " ")"; rm -f /tmp/.monsterr-doctor.$$',
        'if $S iptables -w -n -L DOCKER-USER >/dev/null 2>&1; then echo dockerUserChain=1; else echo dockerUserChain=0; fi',
        'echo "iptablesVersion=$($S iptables -V 2>/dev/null)"',
        // ss prints the local address last-but-one; IPv6 in brackets. Protocol first (tcp/udp).
        "echo \"listening=$(ss -Hltnu 2>/dev/null | awk '{n=split($5,a,\":\"); print $1\":\"a[n]}' | sort -u | tr '\\n' ',')\"",
        "echo \"monsterrPorts=$(docker ps --filter label=monsterr.service --format '{{.Ports}}' 2>/dev/null | tr ',' '\\n' | sed -n 's/.*:\\([0-9]*\\)->[0-9]*\\/\\(tcp\\|udp\\).*/\\2:\\1/p' | sort -u | tr '\\n' ',')\"",
        `echo "monsterrHostNetwork=$(docker ps --filter label=monsterr.service --filter network=host --format '{{.Label "monsterr.service"}}' 2>/dev/null | tr '\\n' ',')"`,
        ...[roots.configRoot, roots.dataRoot].map((r) => `echo "free ${r}=$(df -Pk "$(near ${shQuote(r)})" | awk 'NR==2{print $4}')"`),
        ...DATA_FOLDERS.map((f) => `echo "device ${f}=$(stat -c %d "$(near ${shQuote(`${roots.dataRoot}/${f}`)})")"`),
        'echo "cpus=$(nproc)"',
        "echo \"memKb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)\"",
        '. /etc/os-release 2>/dev/null || true',
        'echo "osId=${ID:-}"; echo "osVersion=${VERSION_ID:-}"; echo "osPretty=${PRETTY_NAME:-}"',
        `if [ -f /usr/share/zoneinfo/${shQuote(timezone)} ]; then echo zoneinfo=1; else echo zoneinfo=0; fi`,
        "echo \"addresses=$(ip -o -4 addr show 2>/dev/null | awk '{split($4,a,\"/\"); print a[1]}' | tr '\\n' ',')\"",
        ...devices.map((d) => `if [ -e ${shQuote(d)} ]; then echo ${shQuote(`device-path ${d}=1`)}; else echo ${shQuote(`device-path ${d}=0`)}; fi`),
        ...peers.map((p) => `if timeout 3 bash -c ${shQuote(`exec 3<>/dev/tcp/${p.address}/${p.port}`)} 2>/dev/null; then echo ${shQuote(`peer ${p.name}=1`)}; else echo ${shQuote(`peer ${p.name}=0`)}; fi`),
    ];
    return lines.join("\n") + "\n";
}

const list = (v: string | undefined) => (v ?? "").split(",").filter(Boolean);

/** The script's output as facts; a missing line reads as the worst case. */
export function parseFacts(stdout: string): HostFacts {
    const kv = new Map<string, string>();
    for (const line of stdout.split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
    }
    const byPrefix = (prefix: string) => Object.fromEntries([...kv].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return {
        uid: Number(kv.get("uid") ?? -1),
        sudo: kv.get("sudo") === "1",
        groups: list(kv.get("groups")),
        dockerVersion: kv.get("dockerVersion") ?? "",
        dockerError: kv.get("dockerError") ?? "",
        dockerUserChain: kv.get("dockerUserChain") === "1",
        iptablesVersion: kv.get("iptablesVersion") ?? "",
        listening: list(kv.get("listening")),
        monsterrPorts: list(kv.get("monsterrPorts")),
        monsterrHostNetwork: list(kv.get("monsterrHostNetwork")),
        freeKb: Object.fromEntries(Object.entries(byPrefix("free ")).map(([k, v]) => [k, Number(v) || 0])),
        devices: byPrefix("device "),
        cpus: Number(kv.get("cpus") ?? 0),
        memKb: Number(kv.get("memKb") ?? 0),
        os: { id: kv.get("osId") ?? "", version: kv.get("osVersion") ?? "", pretty: kv.get("osPretty") ?? "" },
        zoneinfo: kv.get("zoneinfo") === "1",
        addresses: list(kv.get("addresses")),
        devicesPresent: Object.fromEntries(Object.entries(byPrefix("device-path ")).map(([k, v]) => [k, v === "1"])),
        peersReached: Object.fromEntries(Object.entries(byPrefix("peer ")).map(([k, v]) => [k, v === "1"])),
    };
}
