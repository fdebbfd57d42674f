import { CATALOG, ServiceName, ServiceSpec, resolvePort, spec as catalogSpec } from "./catalog";
import { Bad, show } from "./parse";
import { EDGE_HOST, PRIVATE_PORTS, hostSettingKey, leaderOf, placementOf, privatePort, remotePorts, resolveHosts, servicesOn } from "./placement";
import { ipv4Number, mask, parseCidr } from "./schema/formats";
import { HostConfig, NetworkConfig, RemoteHostConfig, ResolvedService } from "./types";

/**
 * The rules between hosts and the services placed on them (`monsterr:hosts`, `services.<name>.host`), checked before
 * any resource exists: hosts that exist and can reach each other, one data tree where apps hardlink, one port per
 * host, a GPU where an app is given /dev/dri. The memory per host is a plan warning (scripts/planSummary.ts).
 */

const k = (key: string) => `monsterr:${key}`;
const rm = (key: string) => `pulumi config rm --path '${k(key)}'`;
const few = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", "));

export interface Placed {
    host: HostConfig;
    hosts: Record<string, RemoteHostConfig>;
    networks: NetworkConfig;
    torrentPort: number;
    /** Resolved services; their `host` is set here. */
    services: Record<ServiceName, ResolvedService>;
}

/** A service that writes in the data tree: every such app must see the same one, or hardlinks and moves fail. */
export function usesDataTree(spec: ServiceSpec): boolean {
    return spec.volumes.some((v) => v.source.kind === "data" && !v.readOnly);
}

/** A device path that is a GPU (Intel/AMD hardware transcoding): /dev/dri or a node under it. */
export function isGpuDevice(path: string): boolean {
    return path === "/dev/dri" || path.startsWith("/dev/dri/");
}

/**
 * The edge host's and the other hosts' private addresses: given where there are other hosts, one per host, outside
 * the Docker networks every host has (rule 2).
 */
export function validatePrivateAddresses(host: HostConfig, hosts: Record<string, RemoteHostConfig>, networks: NetworkConfig | undefined, bad: Bad): void {
    if (Object.keys(hosts).length > 0 && host.privateAddress === undefined) {
        bad(
            "host.privateAddress",
            "is required once monsterr:hosts names other hosts: the proxy and Prometheus reach their apps from this address, and their firewalls let only it in",
            `pulumi config set --path ${k("host.privateAddress")} 10.0.0.1 (this host's address on the link the hosts share: ip -4 addr)`,
        );
    }
    const addresses: [string, string, string][] = [
        ...(host.privateAddress ? [["host.privateAddress", "the edge host's", host.privateAddress] as [string, string, string]] : []),
        ...Object.entries(hosts).map(([name, h]): [string, string, string] => [`hosts.${name}.privateAddress`, `${name}'s`, h.privateAddress]),
    ];
    const seen = new Map<string, string>();
    for (const [key, whose, address] of addresses) {
        const other = seen.get(address);
        if (other) bad(key, `'${address}' is also ${other} private address`, "give each host its own address on the private link (ip -4 addr on each host)");
        else seen.set(address, whose);
        for (const which of ["proxySubnet", "backendSubnet"] as const) {
            const cidr = networks?.[which];
            const c = cidr ? parseCidr(cidr) : undefined;
            if (c && ((ipv4Number(address) & mask(c.prefix)) >>> 0) === c.base) {
                bad(key, `'${address}' is inside networks.${which} (${cidr}), a Docker network on every host`, `use the host's address on the private link, or move networks.${which} to a range the link does not use`);
            }
        }
    }
}

/**
 * Where each service runs (`services.<name>.host`, `chosen` as the stack gave it): sets every service's `host`, and
 * reports the rules between placements; false when one is broken.
 */
export function placeServices(c: Placed, chosen: Partial<Record<ServiceName, string>>, bad: Bad): boolean {
    let ok = true;
    const fail: Bad = (key, problem, fix) => {
        ok = false;
        bad(key, problem, fix);
    };
    const names = Object.keys(c.hosts);
    const exists = (h: string) => h === EDGE_HOST || names.includes(h);
    const resolved = resolveHosts(Object.fromEntries(Object.entries(chosen).filter(([, h]) => exists(h!))));

    // 1. Hosts that exist; an app only where the catalog lets it run; a follower beside its app.
    for (const s of CATALOG) {
        const given = chosen[s.name];
        if (given === undefined) continue;
        const key = `services.${s.name}.host`;
        const leader = leaderOf(s);
        if (!exists(given)) {
            fail(key, `'${show(given)}' is not a host of the stack`, names.length ? `use edge or one of: ${names.join(", ")}` : `add it to monsterr:hosts first (pulumi config set --path '${k(`hosts.${given}.address`)}' ...), or use edge`);
        } else if (leader) {
            if (given !== resolved[leader]) fail(key, `is ${given}, but ${s.name} runs beside ${leader}, which is on ${resolved[leader]}`, `remove it (${rm(key)}): it follows ${leader} (services.${leader}.host)`);
        } else if (placementOf(s) === "everyHost") {
            if (given !== EDGE_HOST) fail(key, `is ${given}, but ${s.name} runs on every host already`, `remove it (${rm(key)})`);
        } else if (placementOf(s) === "edge" && given !== EDGE_HOST) {
            fail(key, `is ${given}, but ${s.name} runs on the edge host only (the proxy, Authelia, Redis, Fail2Ban and monitoring share its internal networks)`, `remove it (${rm(key)}); apps that may move: ${CATALOG.filter((x) => placementOf(x) === "any").map((x) => x.name).join(", ")}`);
        }
    }
    // Followers and edge-only services are resolved whatever they say, so the rules below hold either way.
    for (const s of CATALOG) c.services[s.name].host = resolved[s.name];

    const shareOf = (h: string) => (h === EDGE_HOST ? c.host.dataShare : c.hosts[h]?.dataShare);
    const hostsOf = (s: ServiceSpec) => (placementOf(s) === "everyHost" ? [EDGE_HOST, ...names] : [c.services[s.name].host]);
    const enabled = CATALOG.filter((s) => c.services[s.name].enabled);

    // 3. Hardlinks: the apps that write in the data tree see one, on one host or on hosts that share it.
    const writers = enabled.filter((s) => usesDataTree(s) && placementOf(s) !== "everyHost");
    const byHost = new Map<string, ServiceName[]>();
    for (const s of writers) byHost.set(c.services[s.name].host, [...(byHost.get(c.services[s.name].host) ?? []), s.name]);
    if (byHost.size > 1) {
        // Measured against the host most of them are on (the edge host on a tie): the others are the ones to move.
        const [main, mainApps] = [...byHost.entries()].sort((a, b) => b[1].length - a[1].length || Number(b[0] === EDGE_HOST) - Number(a[0] === EDGE_HOST))[0];
        const share = shareOf(main);
        for (const [h, apps] of byHost) {
            if (h === main || (share !== undefined && shareOf(h) === share)) continue;
            const why = share === undefined ? `${main} names no dataShare` : shareOf(h) === undefined ? `${h} names no dataShare` : `${h}'s dataShare is ${shareOf(h)}, not ${share}`;
            for (const app of apps) {
                fail(
                    `services.${app}.host`,
                    `is ${h}, but ${app} shares the data tree (hardlinks, moves) with ${few(mainApps)} on ${main}, and ${why}: they would see two trees`,
                    `place the apps of the data tree on one host, or mount one shared filesystem at storage.dataRoot on both hosts and give both the same dataShare (${hostSettingKey(h)}.dataShare, ${hostSettingKey(main)}.dataShare)`,
                );
            }
        }
    }

    // 4. One port per host: what the apps on another host publish there, and its sshd. Apps answer other hosts in
    // the private range, one block each, which sshd and the torrent port must stay out of on every host.
    const inRange = (p: number) => p >= PRIVATE_PORTS.first && p <= PRIVATE_PORTS.last;
    const range = `${PRIVATE_PORTS.first}-${PRIVATE_PORTS.last}`;
    if (names.length && inRange(c.torrentPort)) fail("torrentPort", `is ${c.torrentPort}, in ${range}, where apps answer the stack's other hosts`, `use a port outside ${range}, e.g. 51413`);
    if (names.length && c.host.kind === "ssh" && inRange(c.host.sshdPort)) fail("host.sshdPort", `is ${c.host.sshdPort}, in ${range}, where apps answer the stack's other hosts`, `move sshd outside ${range}, e.g. to 22 or 2222`);
    for (const [name, h] of Object.entries(c.hosts)) {
        if (inRange(h.sshdPort)) fail(`hosts.${name}.sshdPort`, `is ${h.sshdPort}, in ${range}, where apps answer the stack's other hosts`, `move sshd outside ${range}, e.g. to 22 or 2222`);
    }
    for (const [name, h] of Object.entries(c.hosts)) {
        const taken = new Map<string, { what: string; service?: ServiceName }>([[`${h.sshdPort}/tcp`, { what: `sshd (hosts.${name}.sshdPort)` }]]);
        const on = servicesOn(c, name).map(catalogSpec);
        // The copies every host gets first: a clash is then reported on the app that was placed there.
        for (const s of [...on.filter((x) => placementOf(x) === "everyHost"), ...on.filter((x) => placementOf(x) !== "everyHost")]) {
            if (s.vpnFor) continue; // it answers on its client's ports, counted with the client
            const published = c.services[s.name].behindVpn ? [] : (s.publish ?? []).map((p) => `${resolvePort(p.external, c.torrentPort)}/${p.protocol}`);
            for (const port of new Set([...remotePorts(s).map((p) => `${privatePort(s, p)}/tcp`), ...published])) {
                const other = taken.get(port);
                if (!other) {
                    taken.set(port, { what: s.name, service: s.name });
                    continue;
                }
                // A follower moves with its app: the key to change is the app's.
                const mover = (n: ServiceName) => leaderOf(catalogSpec(n)) ?? n;
                if (!other.service && placementOf(s) === "everyHost") {
                    fail(`hosts.${name}.sshdPort`, `is ${h.sshdPort}, a port ${s.name} publishes on every host`, `move sshd to another port (e.g. 2222), or turn ${s.name} off`);
                } else {
                    const fix = !other.service
                        ? `place ${mover(s.name)} on another host, or move sshd (hosts.${name}.sshdPort) to another port`
                        : placementOf(catalogSpec(other.service)) === "everyHost"
                          ? `place ${mover(s.name)} on another host, or turn ${other.service} off (it runs on every host)`
                          : `place ${mover(s.name)} or ${mover(other.service)} on another host (services.<name>.host), or turn ${s.name} or ${other.service} off`;
                    fail(`services.${mover(s.name)}.host`, `is ${name}, where ${other.what} already uses port ${port}, which ${s.name} publishes too`, fix);
                }
            }
        }
    }

    // 5. Pulsarr registers its webhook in Sonarr and Radarr as http://watchlist:3003 (a Docker name on its own host).
    if (c.services.watchlist.enabled) {
        const away = (["sonarr", "radarr"] as const).filter((a) => c.services[a].enabled && c.services[a].host !== c.services.watchlist.host);
        if (away.length) {
            fail(
                "services.watchlist.host",
                `is ${c.services.watchlist.host}, but ${away.map((a) => `${a} runs on ${c.services[a].host}`).join(" and ")}: Pulsarr's webhook there is http://watchlist:3003, a name only its own host resolves`,
                `place watchlist beside sonarr and radarr (services.watchlist.host ${c.services[away[0]].host}), or turn watchlist off`,
            );
        }
    }

    // 6. A GPU where an app is given /dev/dri; the edge host is checked only when host.gpu says false.
    for (const s of enabled) {
        const devices = c.services[s.name].devices ?? s.devices ?? [];
        const gpu = devices.find(isGpuDevice);
        if (!gpu) continue;
        for (const h of hostsOf(s)) {
            const has = h === EDGE_HOST ? c.host.gpu !== false : c.hosts[h].gpu;
            if (has) continue;
            const flag = `${hostSettingKey(h)}.gpu`;
            const own = c.services[s.name].devices !== undefined;
            fail(
                own ? `services.${s.name}.devices` : `services.${s.name}.host`,
                own ? `lists ${gpu}, but ${s.name} runs on ${h}, a host without a GPU (${flag} false)` : `is ${h}, a host without a GPU (${flag} false), but ${s.name} needs ${gpu}`,
                `place ${s.name} on a host with gpu true (services.${s.name}.host), set ${flag} true if the host has /dev/dri, or remove ${gpu} from services.${s.name}.devices`,
            );
        }
    }
    return ok;
}
