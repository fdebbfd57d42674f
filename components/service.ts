import * as crypto from "crypto";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceSpec, VolumeSource, resolvePort, spec as catalogSpec } from "../config/catalog";
import { privatePort } from "../config/placement";
import { ResolvedService, StackConfig } from "../config/types";
import { HostFile } from "./hostFile";
import { HostTarget } from "./hostTarget";
import { Networks } from "./networks";
import { Secrets } from "./secrets";

/** A file a service needs on the host, besides its secrets: generated config, seeds. */
export interface ServiceFile {
    /** Relative to the service's config folder. */
    path: string;
    content: pulumi.Input<string>;
    mode?: string;
    secret?: boolean;
    seedOnly?: boolean;
}

/** The stack-wide values a service needs, already validated. */
export type ServiceContext = Pick<StackConfig, "domain" | "timezone" | "puid" | "pgid" | "umask" | "torrentPort" | "storage"> & {
    /** The reverse proxy's fixed address as this service sees it (on its edge network). */
    proxyAddress: string;
    /** Every public name the stack serves (`<sub>.<domain>`). */
    publicNames: string[];
    /** Values for `${NAME}` placeholders in catalog env and command entries, beyond the built-in ones. */
    vars?: Record<string, string>;
};

export interface ServiceArgs {
    spec: ServiceSpec;
    settings: ResolvedService;
    context: ServiceContext;
    host: HostTarget;
    provider: docker.Provider;
    networks: Networks;
    secrets: Secrets;
    /** The host it runs on (`edge` or a key of monsterr:hosts): where its secret files are. */
    site?: string;
    /**
     * Ports other hosts of the stack connect to (the reverse proxy and Prometheus on the edge host, an app that links
     * to this one), published on this host's private address; its firewall lets only those hosts in.
     */
    privatePorts?: { address: string; ports: number[] };
    files?: ServiceFile[];
    /** Environment computed at deploy time by other resources (the Plex token for Tautulli), after the catalog's. */
    extraEnv?: pulumi.Input<string[]>;
    /** Resources the container must wait for (directories, other services). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** The VPN container whose network namespace this one shares (`settings.behindVpn`). */
    vpn?: docker.Container;
}

export const SECRETS_MOUNT = "/run/secrets";

/**
 * The one generic piece every catalog entry goes through: pinned image, container with restart policy,
 * healthcheck, log rotation, memory limit, networks, volumes, secrets as files, and its generated files.
 */
export class Service extends pulumi.ComponentResource {
    readonly container: docker.Container;
    /** The container's name on the host (`docker restart <name>`). */
    readonly containerName: string;
    readonly files: HostFile[];
    /** `http://<name>:<port>` on the Docker networks. */
    readonly internalUrl: string;

    constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:service:Service", name, {}, opts);
        const { spec, settings, context: ctx } = args;
        const child = { parent: this };
        const configDir = `${ctx.storage.configRoot}/${spec.name}`;
        this.containerName = spec.name;

        this.files = (args.files ?? []).map(
            (f, i) =>
                new HostFile(
                    `${name}-file-${i}`,
                    {
                        host: args.host,
                        path: `${configDir}/${f.path}`,
                        content: f.content,
                        mode: f.mode ?? (f.secret ? "0440" : "0644"),
                        owner: `${ctx.puid}:${ctx.pgid}`,
                        secret: f.secret,
                        seedOnly: f.seedOnly,
                    },
                    child,
                ),
        );
        const mounts = (spec.secrets ?? []).filter((m) => !m.optional || args.secrets.has(m.secret));
        const secretFiles = mounts.map((m) => args.secrets.file(m.secret, args.site));

        const ref = settings.image.tag.startsWith("sha256:") ? `${settings.image.repository}@${settings.image.tag}` : `${settings.image.repository}:${settings.image.tag}`;
        const image = new docker.RemoteImage(`${name}-image`, { name: ref, keepLocally: true }, { ...child, provider: args.provider });

        const vars = expandVars(ctx);
        const env: string[] = [];
        if (spec.flavor === "linuxserver") env.push(`PUID=${ctx.puid}`, `PGID=${ctx.pgid}`, `UMASK=${ctx.umask}`);
        env.push(`TZ=${ctx.timezone}`);
        for (const [k, v] of Object.entries(spec.env ?? {})) env.push(`${k}=${expand(v, vars, spec.name)}`);
        for (const m of mounts) if (m.env) env.push(`${m.env}=${SECRETS_MOUNT}/${m.secret}`);

        const volumes: docker.types.input.ContainerVolume[] = spec.volumes.map((v) => ({
            hostPath: hostPath(v.source, spec.name, ctx.storage),
            containerPath: v.target,
            ...(v.readOnly ? { readOnly: true } : {}),
        }));
        for (const m of mounts) {
            volumes.push({ hostPath: args.secrets.file(m.secret, args.site).path, containerPath: `${SECRETS_MOUNT}/${m.secret}`, readOnly: true });
        }

        // Restart the app when a file it reads changes: the hash is a label, and a label change replaces the container.
        const configHash = pulumi
            .all([...this.files, ...secretFiles].map((f) => f.contentHash))
            .apply((hashes) => crypto.createHash("sha256").update(hashes.join("\n")).digest("hex").slice(0, 16));

        const devices = settings.devices ?? spec.devices ?? [];
        // Whose ports this container answers on: its own, its VPN client's (the client shares its namespace), none.
        const reached = settings.behindVpn ? undefined : spec.vpnFor ? catalogSpec(spec.vpnFor) : spec;
        if (settings.behindVpn && !args.vpn) throw new Error(`${spec.name} is behind the VPN, but no VPN container was given`);
        // The reverse proxy joins every edge network at its fixed address; a VPN container joins its client's networks
        // under the client's name; everyone else joins what the catalog names. Behind the VPN: no network of its own.
        const attachments: docker.types.input.ContainerNetworksAdvanced[] = settings.behindVpn
            ? []
            : spec.vpnFor
              ? catalogSpec(spec.vpnFor).networks.map((n) => ({ name: args.networks.byName(n, spec.vpnFor!).name, aliases: [spec.vpnFor!] }))
              : spec.networks.map((n) => ({
                    name: args.networks.byName(n, spec.name).name,
                    ...(spec.reverseProxy && n === "proxy" ? { ipv4Address: args.networks.proxyAddress } : {}),
                }));
        if (spec.reverseProxy) {
            for (const e of args.networks.edges) attachments.push({ name: e.network.name, ipv4Address: e.proxyAddress });
        }
        // Docker publishes nothing from internal networks: a port other hosts reach needs a network with a way out.
        if (args.privatePorts?.ports.length && !spec.hostNetwork && !settings.behindVpn && !attachments.some((a) => a.name === args.networks.edge(spec.vpnFor ?? spec.name)?.network.name)) {
            if (!args.networks.published) throw new Error(`${spec.name} publishes ports on its host's private address, but the host has no monsterr-published network`);
            attachments.unshift({ name: args.networks.published.name });
        }
        this.container = new docker.Container(
            `${name}-container`,
            {
                name: spec.name,
                // Docker refuses a hostname for a container in another's network namespace.
                ...(settings.behindVpn ? {} : { hostname: spec.name }),
                image: image.imageId,
                restart: "unless-stopped",
                // A user-defined network as network mode keeps the container off Docker's default bridge. Docker reads
                // `container:<name>` back as `container:<id>`, so the id is what is written.
                networkMode: settings.behindVpn ? pulumi.interpolate`container:${args.vpn!.id}` : spec.hostNetwork ? "host" : attachments[0]?.name ?? "none",
                ...(attachments.length ? { networksAdvanced: attachments } : {}),
                // Behind the VPN nothing is published: peers reach it only through the tunnel.
                ports: [
                    ...(settings.behindVpn ? [] : spec.publish ?? []).map((p) => ({
                        internal: resolvePort(p.internal ?? p.external, ctx.torrentPort),
                        external: resolvePort(p.external, ctx.torrentPort),
                        protocol: p.protocol,
                        ip: "0.0.0.0",
                    })),
                    ...(args.privatePorts && reached && !spec.hostNetwork ? args.privatePorts.ports.map((port) => ({ internal: port, external: privatePort(reached, port), protocol: "tcp", ip: args.privatePorts!.address })) : []),
                ],
                envs: args.extraEnv ? pulumi.output(args.extraEnv).apply((extra) => [...env, ...extra]) : env,
                volumes,
                ...(spec.entrypoint ? { entrypoints: spec.entrypoint.map((c) => expand(c, vars, spec.name)) } : {}),
                ...(spec.command ? { command: spec.command.map((c) => expand(c, vars, spec.name)) } : {}),
                ...(spec.runAsStackUser ? { user: `${ctx.puid}:${ctx.pgid}` } : {}),
                ...(spec.init ? { init: true } : {}),
                ...(spec.capabilities ? { capabilities: { adds: spec.capabilities.map((c) => `CAP_${c}`) } } : {}),
                ...(devices.length ? { devices: devices.map((d) => ({ hostPath: d, containerPath: d, permissions: "rwm" })) } : {}),
                ...(spec.shmSizeMb ? { shmSize: spec.shmSizeMb } : {}),
                ...(spec.publicNamesToProxy ? { hosts: ctx.publicNames.map((host) => ({ host, ip: ctx.proxyAddress })) } : {}),
                ...("test" in spec.healthcheck
                    ? {
                          healthcheck: {
                              tests: spec.healthcheck.test,
                              interval: spec.healthcheck.interval ?? "30s",
                              timeout: spec.healthcheck.timeout ?? "10s",
                              retries: spec.healthcheck.retries ?? 3,
                              startPeriod: spec.healthcheck.startPeriod ?? "0s",
                          },
                      }
                    : {}),
                memory: settings.memoryMb,
                ...(settings.cpus ? { cpus: settings.cpus } : {}),
                logDriver: "json-file",
                logOpts: { "max-size": "10m", "max-file": "3" },
                labels: [
                    { label: "monsterr.service", value: spec.name },
                    { label: "monsterr.group", value: spec.group },
                    { label: "monsterr.config-hash", value: configHash },
                ],
            },
            {
                ...child,
                provider: args.provider,
                dependsOn: [...this.files, ...secretFiles, ...(args.dependsOn ?? []), ...(args.vpn ? [args.vpn] : [])],
            },
        );
        this.internalUrl = `http://${spec.name}:${spec.port}`;
        this.registerOutputs({ container: this.container.name, internalUrl: this.internalUrl });
    }
}

export function hostPath(source: VolumeSource, service: string, storage: ServiceContext["storage"]): string {
    switch (source.kind) {
        case "config":
            return [storage.configRoot, source.service ?? service, source.sub].filter(Boolean).join("/");
        case "configRoot":
            return storage.configRoot;
        case "data":
            return [storage.dataRoot, source.sub].filter(Boolean).join("/");
        case "host":
            return source.path;
    }
}

function expandVars(ctx: ServiceContext): Record<string, string> {
    return {
        PUID: String(ctx.puid),
        PGID: String(ctx.pgid),
        TZ: ctx.timezone,
        DOMAIN: ctx.domain,
        TORRENT_PORT: String(ctx.torrentPort),
        PROXY_ADDRESS: ctx.proxyAddress,
        ...ctx.vars,
    };
}

/** Replaces `${NAME}` placeholders of catalog entries; an unknown name is a catalog bug, so it throws. */
export function expand(text: string, vars: Record<string, string>, service: string): string {
    return text.replace(/\$\{([A-Z_]+)\}/g, (_, key: string) => {
        const v = vars[key];
        if (v === undefined) throw new Error(`catalog entry ${service} uses \${${key}}, which has no value`);
        return v;
    });
}
