import { CATALOG, ServiceName } from "../config/catalog";
import { EXAMPLE_DOMAIN, isDemoHostKey } from "../config/examples";
import { NO_RECEIVER_WARNING, hasReceiver } from "../config/alerting";
import { validateEngineConfig } from "../config/load";
import { hostSettingKey, servicesOn } from "../config/placement";
import { EDGE_HOST } from "../config/types";
import { scriptedPath } from "../components/hostFile";
import { PlannedResource, reveal } from "./offline";
import { EngineConfig } from "./stackConfig";

/** What a reviewer wants to know of a plan before reading the tree: what runs, what opens, what lands on the host. */
export interface PlanSummary {
    containers: number;
    memoryLimitMb: number;
    /** The host's memory when the stack states it (`host.memoryMb`). */
    hostMemoryMb?: number;
    /** With other hosts (`monsterr:hosts`): each host's containers' limits, and its memory when stated; the edge host first. */
    hosts?: { name: string; memoryLimitMb: number; memoryMb?: number }[];
    /** `port/proto (service)` for every port the host publishes, host-network apps included. */
    published: string[];
    /** UFW rules the program adds on an SSH host (`port/proto (reason)`); undefined when it leaves the firewall alone. */
    firewall?: string[];
    /** The same for each other host (`monsterr:hosts`), a rule open to one address saying so (`, from <address>`). */
    otherFirewalls?: { host: string; rules: string[] }[];
    packages: string[];
    files: { total: number; secrets: number; seeded: number; kept: number };
    /** `app: user` of every admin login in the `adminCredentials` output. */
    credentials: string[];
    warnings: string[];
}

const CONTAINER = "docker:index/container:Container";
/** Warn when the apps' limits exceed the host's memory by this factor: they are caps, but not all can be reached. */
export const MEMORY_OVERCOMMIT = 2;

const json = (v: string | undefined): Record<string, unknown> => {
    try {
        return v ? (JSON.parse(v) as Record<string, unknown>) : {};
    } catch {
        return {};
    }
};

export function summarize(resources: PlannedResource[], outputs: Record<string, unknown>, config: EngineConfig): PlanSummary {
    const containers = resources.filter((r) => r.type === CONTAINER).map((r) => reveal(r.inputs) as { name: string; memory?: number; networkMode?: string; ports?: { external: number; protocol: string; ip?: string }[] });
    // A port bound to one address (a private port on another host) says where.
    const published = containers.flatMap((c) => (c.ports ?? []).map((p) => `${p.ip && p.ip !== "0.0.0.0" ? `${p.ip}:` : ""}${p.external}/${p.protocol} (${c.name})`));
    const scripts = resources.filter((r) => r.type.startsWith("command:")).map((r) => ({ name: r.name, create: String(reveal(r.inputs.create) ?? "") }));
    const ufwRules = (create: string) =>
        [...create.matchAll(/allow (?:from (\S+) to any port (\d+) proto (tcp|udp)|(\d+)\/(tcp|udp)) comment \W{0,6}monsterr ([a-z0-9-]+)/g)].map((m) =>
            m[1] ? `${m[2]}/${m[3]} (${m[6]}, from ${m[1]})` : `${m[4]}/${m[5]} (${m[6]})`,
        );
    const ufws = scripts.filter((s) => s.name.endsWith("-firewall-ufw"));
    const ufw = ufws.find((s) => s.name === "monsterr-core-firewall-ufw") ?? ufws[0];
    const firewall = ufw ? ufwRules(ufw.create) : undefined;
    const otherFirewalls = ufws.filter((s) => s !== ufw).map((s) => ({ host: s.name.replace(/^monsterr-/, "").replace(/-firewall-ufw$/, ""), rules: ufwRules(s.create) }));
    const hostNetwork = containers.filter((c) => c.networkMode === "host" && firewall?.some((f) => f.endsWith(`(${c.name})`)));
    for (const c of hostNetwork) for (const f of firewall!.filter((x) => x.endsWith(`(${c.name})`))) published.push(`${f.replace(/ \(.*/, "")} (${c.name}, host network)`);
    const files = scripts.flatMap((s) => {
        const f = scriptedPath(s.create);
        return f ? [{ ...f, seeded: s.create.includes('if [ -e "$p" ]; then cat >/dev/null; exit 0; fi'), secret: f.path.includes("/secrets/") }] : [];
    });
    const credentials = Object.entries((reveal(outputs.adminCredentials) ?? {}) as Record<string, { user?: string } | undefined>).flatMap(([app, c]) => (c?.user ? [`${app}: ${c.user}`] : []));

    const values = config.values;
    const host = json(values["monsterr:host"]);
    const hostMemoryMb = typeof host.memoryMb === "number" ? host.memoryMb : typeof host.memoryMb === "string" ? Number(host.memoryMb) : undefined;
    const memoryLimitMb = containers.reduce((n, c) => n + (c.memory ?? 0), 0);
    const warnings: string[] = [];
    for (const key of ["monsterr:domain", "monsterr:adminEmail"]) {
        const v = values[key] ?? "";
        if (EXAMPLE_DOMAIN.test(v.split("@").pop() ?? "")) warnings.push(`${key} is still the example value ${v}: pulumi config set ${key} <yours>`);
    }
    const others = Object.entries(json(values["monsterr:hosts"])).map(([name, h]): [string, Record<string, unknown>] => [`hosts.${name}`, (h ?? {}) as Record<string, unknown>]);
    for (const [key, h] of [["host", host] as [string, Record<string, unknown>], ...others]) {
        if (isDemoHostKey(String(h.hostKey ?? ""))) warnings.push(`monsterr:${key}.hostKey is the demo key, which no host has: pin your host's key (README, Deploy to your server)`);
        if (typeof h.address === "string" && EXAMPLE_DOMAIN.test(h.address)) warnings.push(`monsterr:${key}.address is still the example value ${h.address}`);
    }
    const hosts = memoryByHost(containers, config);
    if (!hosts && hostMemoryMb !== undefined && memoryLimitMb > MEMORY_OVERCOMMIT * hostMemoryMb) {
        warnings.push(`the memory limits add up to ${gib(memoryLimitMb)}, more than ${MEMORY_OVERCOMMIT}x the host's ${gib(hostMemoryMb)}: turn off apps you do not use (services.<name>.enabled false) or lower services.<name>.memoryMb`);
    }
    for (const h of hosts ?? []) {
        if (h.memoryMb === undefined || h.memoryLimitMb <= MEMORY_OVERCOMMIT * h.memoryMb) continue;
        const which = h.name === EDGE_HOST ? "the edge host" : `host ${h.name}`;
        const its = `${hostSettingKey(h.name)}.memoryMb`;
        warnings.push(
            `the memory limits on ${which} add up to ${gib(h.memoryLimitMb)}, more than ${MEMORY_OVERCOMMIT}x its ${gib(h.memoryMb)} (${its}): move apps to another host (services.<name>.host), turn off apps you do not use (services.<name>.enabled false) or lower services.<name>.memoryMb`,
        );
    }
    const backup = json(values["monsterr:backup"]);
    if (resources.some((r) => r.type === "monsterr:host:Backup") && !/^(sftp|s3):/.test(String(backup.repository ?? ""))) {
        warnings.push("backups go to the server's own disk (monsterr:backup.repository), which does not survive losing that disk: use sftp:... or s3:...");
    }
    if (resources.some((r) => r.type === CONTAINER && (reveal(r.inputs) as { name?: string }).name === "alertmanager") && !hasReceiver(json(values["monsterr:alerting"]))) warnings.push(NO_RECEIVER_WARNING);
    if (config.secretKeys.length > 0) warnings.push(`secret values are placeholders offline (${config.secretKeys.map((k) => k.replace(/^monsterr:/, "")).join(", ")}): only the Pulumi CLI decrypts them`);
    return {
        containers: containers.length,
        memoryLimitMb,
        ...(hostMemoryMb !== undefined ? { hostMemoryMb } : {}),
        ...(hosts ? { hosts } : {}),
        published,
        ...(firewall ? { firewall } : {}),
        ...(otherFirewalls.length ? { otherFirewalls } : {}),
        packages: [...new Set(scripts.filter((x) => x.name.endsWith("-packages")).flatMap((x) => [...x.create.matchAll(/missing="\$missing ([a-z0-9.+-]+)"/g)].map((m) => m[1])))],
        files: { total: files.length, secrets: files.filter((f) => f.secret).length, seeded: files.filter((f) => f.seeded).length, kept: files.filter((f) => f.adopted).length },
        credentials,
        warnings,
    };
}

/**
 * With other hosts: the memory limits of the containers on each host (which services run where comes from the
 * validated stack, config/placement.ts; a container no service names counts on the edge host). Undefined for a stack
 * of one host, whose check stays the whole plan's against `host.memoryMb`.
 */
function memoryByHost(containers: { name: string; memory?: number }[], config: EngineConfig): PlanSummary["hosts"] {
    if (Object.keys(json(config.values["monsterr:hosts"])).length === 0) return undefined;
    let valid;
    try {
        valid = validateEngineConfig(config.values, (key) => config.secretKeys.includes(key));
    } catch {
        // The program refused the stack first: its own error says why.
        return undefined;
    }
    // A service's copies on several hosts (node-exporter, cAdvisor) share one name and one limit.
    const limit = new Map(containers.map((c) => [c.name, c.memory ?? 0]));
    const names = new Set<string>(CATALOG.map((s) => s.name));
    const sum = (services: ServiceName[]) => services.reduce((n, s) => n + (limit.get(s) ?? 0), 0);
    const others = containers.filter((c) => !names.has(c.name)).reduce((n, c) => n + (c.memory ?? 0), 0);
    return [
        { name: EDGE_HOST, memoryLimitMb: sum(servicesOn(valid, EDGE_HOST)) + others, ...(valid.host.memoryMb !== undefined ? { memoryMb: valid.host.memoryMb } : {}) },
        ...Object.entries(valid.hosts).map(([name, h]) => ({ name, memoryLimitMb: sum(servicesOn(valid, name)), ...(h.memoryMb !== undefined ? { memoryMb: h.memoryMb } : {}) })),
    ];
}

export const gib = (mb: number) => `${(mb / 1024).toFixed(1)} GiB`;

export function renderSummary(stack: string, s: PlanSummary): string {
    const row = (k: string, v: string) => `  ${k.padEnd(15)} ${v}`;
    return [
        `Summary of the ${stack} stack`,
        row("containers", `${s.containers}; memory limits add up to ${gib(s.memoryLimitMb)} (caps, not use)${s.hosts ? "" : s.hostMemoryMb ? ` on a host with ${gib(s.hostMemoryMb)}` : ""}`),
        ...(s.hosts ? [row("hosts", s.hosts.map((h) => `${h.name} ${gib(h.memoryLimitMb)}${h.memoryMb ? ` of ${gib(h.memoryMb)}` : ""}`).join(", "))] : []),
        row("published", s.published.join(", ") || "nothing"),
        row("firewall", s.firewall ? `UFW on, incoming denied but ${s.firewall.join(", ")}; a DOCKER-USER block in /etc/ufw/after.rules` : "left alone (a local Docker daemon: your machine's own firewall)"),
        ...(s.otherFirewalls ?? []).map((f) => row(`  on ${f.host}`, `UFW on, incoming denied but ${f.rules.join(", ")}; a DOCKER-USER block`)),
        row("host packages", s.packages.length ? `${s.packages.join(", ")} (apt-get, only when missing)` : "none"),
        row("host files", `${s.files.total} written (${s.files.secrets} secrets, ${s.files.kept} of them kept on destroy; ${s.files.seeded} seeded once, then the app's)`),
        row("credentials", `${s.credentials.join(", ")}: pulumi stack output adminCredentials --show-secrets`),
        ...(s.warnings.length ? ["", "Warnings", ...s.warnings.map((w) => `  ! ${w}`)] : []),
    ].join("\n");
}
