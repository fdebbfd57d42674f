import * as crypto from "crypto";
import { Resolver } from "dns/promises";
import { isIP } from "net";
import { CheckResult } from "./checks";

async function addresses(r: Resolver, name: string, family: 4 | 6 = 4): Promise<string[]> {
    try {
        return (await (family === 4 ? r.resolve4(name) : r.resolve6(name))).sort();
    } catch {
        return [];
    }
}

/**
 * Let's Encrypt's HTTP-01 challenge and every visitor reach the apps by name: the domain and any name under it (the
 * apps' subdomains, checked with a random one for the wildcard) must resolve to the host. `servers` points the
 * resolver elsewhere (tests use a stub on 127.0.0.1).
 */
export async function dnsChecks(domain: string, hostAddress: string, servers?: string[]): Promise<CheckResult[]> {
    const r = new Resolver({ timeout: 3000, tries: 2 });
    if (servers) r.setServers(servers);
    const host = isIP(hostAddress) ? [hostAddress] : [...(await addresses(r, hostAddress)), ...(await addresses(r, hostAddress, 6))];
    if (host.length === 0) return [{ check: "dns", status: "fail", detail: `${hostAddress} (host.address) does not resolve`, fix: "set host.address to the host's IP address or a name that resolves to it" }];
    const wildcard = `monsterr-${crypto.randomBytes(4).toString("hex")}.${domain}`;
    const out: CheckResult[] = [];
    for (const [what, name] of [["dns: domain", domain], ["dns: subdomains", wildcard]] as const) {
        const label = what === "dns: domain" ? domain : `*.${domain}`;
        const v4 = await addresses(r, name);
        const v6 = await addresses(r, name, 6);
        // Every record must be the host's: Let's Encrypt and browsers try any of them, IPv6 first.
        const elsewhere = [...v4, ...v6].filter((a) => !host.includes(a));
        if (v4.length + v6.length > 0 && elsewhere.length === 0) out.push({ check: what, status: "pass", detail: `${name} -> ${[...v4, ...v6].join(", ")}` });
        else if (elsewhere.length > 0 && v6.some((a) => elsewhere.includes(a))) {
            out.push({ check: what, status: "fail", detail: `${name} has AAAA ${v6.join(", ")}, not the host's (${host.join(", ")}): Let's Encrypt tries IPv6 first`, fix: `at your DNS provider: remove AAAA ${label} (a parking record?) or point it at the host's IPv6 address` });
        } else {
            out.push({ check: what, status: "fail", detail: `${name} resolves to ${[...v4, ...v6].join(", ") || "nothing"}, the host is ${host.join(", ")}`, fix: `at your DNS provider: A ${label} -> ${host[0]} only (a wildcard record covers every app's name)` });
        }
    }
    return out;
}
