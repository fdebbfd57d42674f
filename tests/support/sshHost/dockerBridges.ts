/**
 * Docker's iptables rules (iptables backend, as up to Docker 27) for any number of user-defined networks, each with
 * one container as a network namespace: the building blocks of dockerSim.ts, for tests that need several networks
 * with chosen subnets (the edge networks of a multi-host stack) and ports published on one host address. Used
 * inside the disposable SSH host only.
 */

/** A port Docker publishes for the container: `-p [hostIp:]hostPort:containerPort`. */
export interface SimPublish {
    hostPort: number;
    containerPort: number;
    /** The host address it is bound to (`-p 10.0.0.2:17050:8989`); every address when unset. */
    hostIp?: string;
}

/** One Docker network (`br-<name>` bridge) with one container (netns `<name>`). */
export interface SimNetwork {
    /** Short (the bridge is `br-<name>` and the veth `v-<name>`: at most 15 characters). */
    name: string;
    /** The network's prefix length and gateway (`.1` of the subnet as Docker assigns it). */
    subnet: string;
    gateway: string;
    /** The container's address. */
    address: string;
    /** TCP ports a process in the container listens on. */
    listen?: number[];
    publish?: SimPublish[];
}

/** The chains Docker creates once per host, with DOCKER-USER first in FORWARD (before UFW's chains). */
export function dockerBaseScript(): string {
    return [
        "sysctl -q -w net.ipv4.ip_forward=1",
        "iptables -N DOCKER-USER",
        "iptables -N DOCKER",
        "iptables -A FORWARD -j DOCKER-USER",
        "iptables -A DOCKER-USER -j RETURN",
        "iptables -t nat -N DOCKER",
        "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    ].join("\n");
}

/** One network: its bridge, the container's namespace and listeners, masquerade out, Docker's FORWARD and NAT rules. */
export function dockerNetworkScript(n: SimNetwork): string {
    const br = `br-${n.name}`;
    const veth = `v-${n.name}`;
    if (br.length > 15) throw new Error(`network name ${n.name} is too long for an interface name`);
    const prefix = n.subnet.split("/")[1];
    const listen = [...new Set([...(n.listen ?? []), ...(n.publish ?? []).map((p) => p.containerPort)])];
    return [
        `ip link add ${br} type bridge`,
        `ip addr add ${n.gateway}/${prefix} dev ${br}`,
        `ip link set ${br} up`,
        `ip netns add ${n.name}`,
        `ip link add ${veth} type veth peer name eth0 netns ${n.name}`,
        `ip link set ${veth} master ${br} up`,
        `ip netns exec ${n.name} ip addr add ${n.address}/${prefix} dev eth0`,
        `ip netns exec ${n.name} ip link set eth0 up`,
        `ip netns exec ${n.name} ip link set lo up`,
        `ip netns exec ${n.name} ip route add default via ${n.gateway}`,
        ...listen.map((p) => `setsid nohup ip netns exec ${n.name} nc -lk ${p} >/dev/null 2>&1 </dev/null &`),
        `iptables -A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `iptables -A FORWARD -o ${br} -j DOCKER`,
        `iptables -A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
        `iptables -A FORWARD -i ${br} -o ${br} -j ACCEPT`,
        `iptables -t nat -A POSTROUTING -s ${n.subnet} ! -o ${br} -j MASQUERADE`,
        ...(n.publish ?? []).flatMap((p) => [
            `iptables -A DOCKER -d ${n.address}/32 ! -i ${br} -o ${br} -p tcp -m tcp --dport ${p.containerPort} -j ACCEPT`,
            `iptables -t nat -A DOCKER ${p.hostIp ? `-d ${p.hostIp}/32 ` : ""}! -i ${br} -p tcp -m tcp --dport ${p.hostPort} -j DNAT --to-destination ${n.address}:${p.containerPort}`,
        ]),
        // The listeners are up before the test looks.
        `for i in $(seq 50); do [ "$(ip netns exec ${n.name} ss -ltnH | wc -l)" -ge ${listen.length} ] && break; sleep 0.1; done`,
    ].join("\n");
}
