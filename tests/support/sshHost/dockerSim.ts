/**
 * What Docker (iptables backend, as up to Docker 27) sets up on a host for one container on a user-defined network:
 * a `br-*` bridge, a network namespace as the container, NAT for its published ports and Docker's FORWARD rules,
 * which come before UFW's (Docker inserts its jump to DOCKER-USER first). Used inside the disposable SSH host only.
 */
export const SIM = {
    bridge: "br-sim0",
    gateway: "10.213.0.1",
    container: "10.213.0.2",
    subnet: "10.213.0.0/24",
    /** Published on the host and public: the proxy's 80. */
    publicPort: 80,
    /** Published by Docker but not in the catalog (`docker run -p 8081:8081` by hand): must stay closed. */
    strayPublishedPort: 8081,
    /** Listening in the container, never published (Redis): must not be reachable from outside the host. */
    backendPort: 6379,
} as const;

export function dockerSimScript(): string {
    const { bridge: br, container: ip } = SIM;
    const published = [SIM.publicPort, SIM.strayPublishedPort];
    return [
        `ip link add ${br} type bridge`,
        `ip addr add ${SIM.gateway}/24 dev ${br}`,
        `ip link set ${br} up`,
        "ip netns add app",
        "ip link add veth-app type veth peer name eth-app",
        "ip link set eth-app netns app",
        `ip link set veth-app master ${br} up`,
        `ip netns exec app ip addr add ${ip}/24 dev eth-app`,
        "ip netns exec app ip link set eth-app up",
        "ip netns exec app ip link set lo up",
        `ip netns exec app ip route add default via ${SIM.gateway}`,
        "sysctl -q -w net.ipv4.ip_forward=1",
        ...[SIM.publicPort, SIM.strayPublishedPort, SIM.backendPort].map((p) => `setsid nohup ip netns exec app nc -lk ${p} >/dev/null 2>&1 </dev/null &`),
        "iptables -N DOCKER-USER",
        "iptables -N DOCKER",
        "iptables -A FORWARD -j DOCKER-USER",
        `iptables -A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `iptables -A FORWARD -o ${br} -j DOCKER`,
        `iptables -A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
        `iptables -A FORWARD -i ${br} -o ${br} -j ACCEPT`,
        "iptables -A DOCKER-USER -j RETURN",
        ...published.map((p) => `iptables -A DOCKER -d ${ip}/32 ! -i ${br} -o ${br} -p tcp -m tcp --dport ${p} -j ACCEPT`),
        "iptables -t nat -N DOCKER",
        "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        `iptables -t nat -A POSTROUTING -s ${SIM.subnet} ! -o ${br} -j MASQUERADE`,
        ...published.map((p) => `iptables -t nat -A DOCKER ! -i ${br} -p tcp -m tcp --dport ${p} -j DNAT --to-destination ${ip}:${p}`),
        // The listeners are up before the test looks.
        `for i in $(seq 50); do [ "$(ip netns exec app ss -ltnH | wc -l)" -ge 3 ] && break; sleep 0.1; done`,
    ].join("\n");
}
