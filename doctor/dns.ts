import * as crypto from "crypto";
import { Resolver } from "dns/promises";
import { isIP } from "net";
import { CheckResult } from "./checks";

async function addresses(r: Resolver, name: string): Promise<string[]> {
    try {
        return (await r.resolve4(name)).sort();
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
    const host = isIP(hostAddress) ? [hostAddress] : await addresses(r, hostAddress);
    if (host.length === 0) return [{ check: "dns", status: "fail", detail: `${hostAddress} (host.address) does not resolve`, fix: "set host.address to the host's IP address or a name that resolves to it" }];
    const wildcard = `monsterr-${crypto.randomBytes(4).toString("hex")}.${domain}`;
    const out: CheckResult[] = [];
    for (const [what, name] of [["dns: domain", domain], ["dns: subdomains", wildcard]] as const) {
        const got = await addresses(r, name);
        if (got.some((a) => host.includes(a))) out.push({ check: what, status: "pass", detail: `${name} -> ${got.join(", ")}` });
        else {
            const record = what === "dns: domain" ? `A ${domain}` : `A *.${domain}`;
            out.push({ check: what, status: "fail", detail: `${name} resolves to ${got.join(", ") || "nothing"}, the host is ${host.join(", ")}`, fix: `at your DNS provider: ${record} -> ${host[0]} (a wildcard record covers every app's name)` });
        }
    }
    return out;
}
