import * as pulumi from "@pulumi/pulumi";
import { CATALOG, ServiceName, spec } from "../config/catalog";
import { hostOf, servicesOn } from "../config/placement";
import { addresses } from "./addresses";
import { CrossHostFlow, crossHostFlows, publishedPrivately } from "./crossHost";
import { EDGE_HOST, RemoteHostConfig, StackConfig } from "../config/types";
import { Firewall } from "./edge/firewall";
import { otherHostFirewallPolicy } from "./edge/ufwRules";
import { Site } from "./site";
import { HostFile } from "./hostFile";
import { Books } from "./books";
import { Core } from "./core";
import { Downloads } from "./downloads";
import { Host } from "./host";
import { hostTarget, stateConnection } from "./hostTarget";
import { HostState, HostStateRegistry } from "./hostState";
import { Media } from "./media";
import { Monitoring } from "./monitoring";
import { Networks } from "./networks";
import { Secrets } from "./secrets";
import { Backup } from "./backup";
import { gluetunEnv } from "./vpn";
import { Service } from "./service";
import { ServiceGroup, ServiceGroupArgs, enabledServices } from "./serviceGroup";
import { proxyConnection } from "./edge/proxyHosts";
import { PlexToken } from "./wiring/plex";
import { tautulliPlexEnv } from "./wiring/tautulli";
import { UI } from "./ui";
import { Wiring } from "./wiring";

export interface MediaServerArgs {
    config: StackConfig;
}

/** The whole media server, on one host or several: the root of every resource the program creates. */
export class MediaServer extends pulumi.ComponentResource {
    readonly host: Host;
    readonly networks: Networks;
    readonly secrets: Secrets;
    readonly core: Core;
    readonly groups: ServiceGroup[];
    readonly wiring: Wiring;
    readonly plexToken?: PlexToken;
    /** Nightly restic backups of the config root, when `backup.enabled`. */
    readonly backup?: Backup;
    /** What refresh reads back on the host: folders and firewall, and the generated files. */
    readonly hostState?: HostState;
    readonly fileState?: HostState;
    /** Every host by name (`edge` and the keys of monsterr:hosts) with its Docker daemon and networks. */
    readonly sites: Map<string, Site>;
    /** Public URL of every routed service that is enabled. */
    readonly urls: Record<string, string>;

    constructor(name: string, args: MediaServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:index:MediaServer", name, {}, opts);
        const { config } = args;
        const enabled = enabledServices(config);

        const target = hostTarget(config.host, config.secrets.sshPrivateKey);
        const reader = stateConnection(target);
        target.drift = { static: new HostStateRegistry(reader), files: new HostStateRegistry(reader) };
        this.host = new Host(
            `${name}-host`,
            { target, storage: config.storage, puid: config.puid, pgid: config.pgid, services: servicesOn(config, EDGE_HOST) },
            { parent: this },
        );
        this.networks = new Networks(`${name}-net`, { provider: this.host.provider, subnets: config.networks, enabled: servicesOn(config, EDGE_HOST) }, { parent: this });
        const flows = crossHostFlows(config);
        const sites = new Map<string, Site>([[EDGE_HOST, { name: EDGE_HOST, host: this.host, networks: this.networks, privateAddress: config.host.privateAddress }]]);
        for (const [hostName, hostConfig] of Object.entries(config.hosts)) {
            sites.set(hostName, this.otherHost(`${name}-${hostName}`, hostName, hostConfig, config, flows));
        }
        this.sites = sites;
        const others = [...sites.values()].filter((s) => s.name !== EDGE_HOST);
        this.secrets = new Secrets(
            `${name}-secrets`,
            {
                host: this.host.target,
                dir: this.host.secretsDir,
                pgid: config.pgid,
                enabled,
                provided: config.secrets,
                generatedUsers: config.users.filter((u) => !u.ownPassword).map((u) => u.name),
                backup: config.backup.enabled,
                otherHosts: others.map((s) => ({ name: s.name, host: s.host.target, dir: s.host.secretsDir, services: servicesOn(config, s.name), dependsOn: [s.host.directories] })),
            },
            { parent: this, dependsOn: [this.host.directories] },
        );

        const groupArgs: ServiceGroupArgs = { config, host: this.host, networks: this.networks, sites, flows, secrets: this.secrets, started: new Map(), copies: new Map() };
        this.core = new Core(`${name}-core`, groupArgs, { parent: this });
        const media = new Media(`${name}-media`, groupArgs, { parent: this });
        // Plex's own token, once it is claimed: Tautulli reads it from its environment (it has no _FILE form).
        if (media.services.plex) {
            // Read from Plex's own container, on whichever host runs it.
            const plexHost = sites.get(hostOf(config, "plex"))!.host.target;
            this.plexToken = new PlexToken(`${name}-plex-token`, { connection: proxyConnection(plexHost), container: "plex", claiming: config.secrets.plexClaim !== undefined }, { parent: this, dependsOn: [media.services.plex.container] });
            if (enabled.includes("tautulli")) {
                // Plex runs on its host's network: Tautulli reaches it at its own host's gateway, or at Plex's host's private address.
                const plexAt = hostOf(config, "tautulli") === hostOf(config, "plex") ? sites.get(hostOf(config, "tautulli"))!.networks.edge("tautulli")!.gateway : addresses(config)("plex", hostOf(config, "tautulli")).host;
                groupArgs.extraEnv = { tautulli: { env: tautulliPlexEnv(plexAt, this.plexToken.token), dependsOn: [this.plexToken] } };
            }
        }
        if (enabled.includes("overseerr")) {
            // Seerr reads its API key only from API_KEY (no file form): a reviewed exception, kept a Pulumi secret.
            groupArgs.extraEnv = { ...groupArgs.extraEnv, overseerr: { env: pulumi.secret(this.secrets.value("seerr-api-key").apply((k) => [`API_KEY=${k}`])), dependsOn: [] } };
        }
        if (config.vpn.enabled) groupArgs.extraEnv = { ...groupArgs.extraEnv, gluetun: { env: gluetunEnv(config.vpn), dependsOn: [] } };
        this.groups = [
            this.core,
            media,
            new Downloads(`${name}-downloads`, groupArgs, { parent: this }),
            new Books(`${name}-books`, groupArgs, { parent: this }),
            new Monitoring(`${name}-monitoring`, groupArgs, { parent: this }),
            new UI(`${name}-ui`, groupArgs, { parent: this }),
        ];

        const containers = Object.fromEntries(enabled.flatMap((n) => (this.service(n) ? [[n, this.service(n)!.container]] : [])));
        this.wiring = new Wiring(`${name}-wiring`, { enabled, domain: config.domain, adminUser: config.adminUser, adminEmail: config.adminEmail, target: this.host.target, secrets: this.secrets, containers, hostOf: (s) => hostOf(config, s), address: addresses(config) }, { parent: this });

        if (config.backup.enabled) {
            const s3 = config.secrets.backupS3AccessKeyId && config.secrets.backupS3SecretAccessKey ? { accessKeyId: config.secrets.backupS3AccessKeyId, secretAccessKey: config.secrets.backupS3SecretAccessKey } : undefined;
            // Each host backs up its own config root into the one repository, under its own snapshot host name.
            const backupOf = (resourceName: string, site: Site, password: HostFile, snapshotHost: string) =>
                new Backup(
                    resourceName,
                    {
                        host: site.host.target,
                        backup: config.backup,
                        paths: { configRoot: config.storage.configRoot, secretsDir: site.host.secretsDir, textfileDir: `${config.storage.configRoot}/node-exporter/textfile`, snapshotHost },
                        enabled: servicesOn(config, site.name),
                        password,
                        s3: config.backup.repository.kind === "s3" ? s3 : undefined,
                        dependsOn: [site.host.directories],
                    },
                    { parent: this },
                );
            this.backup = backupOf(`${name}-backup`, sites.get(EDGE_HOST)!, this.secrets.resticPassword!, `monsterr-${config.stack}`);
            for (const other of others) backupOf(`${name}-${other.name}-backup`, other, this.secrets.resticCopies.get(other.name)!, `monsterr-${config.stack}-${other.name}`);
        }

        // After every writer registered: one resource reads the folders and the firewall, one the generated files.
        this.hostState = target.drift.static.finish(`${name}-host-state`, { parent: this });
        this.fileState = target.drift.files.finish(`${name}-file-state`, { parent: this });
        for (const other of others) {
            other.host.target.drift!.static.finish(`${name}-${other.name}-host-state`, { parent: this });
            other.host.target.drift!.files.finish(`${name}-${other.name}-file-state`, { parent: this });
        }

        this.urls = Object.fromEntries(
            CATALOG.filter((s) => s.route && enabled.includes(s.name)).map((s) => [s.name, `https://${s.route!.subdomain}.${config.domain}`]),
        );
        this.registerOutputs({ urls: this.urls });
    }

    /**
     * A host besides the edge host: its Docker daemon and folders, the networks of the apps placed there (no reverse
     * proxy: it reaches them over the private link), and a firewall that lets only the edge host reach their ports.
     */
    private otherHost(name: string, hostName: string, hostConfig: RemoteHostConfig, config: StackConfig, flows: CrossHostFlow[]): Site {
        const target = hostTarget(hostConfig, config.secrets.sshPrivateKey);
        const reader = stateConnection(target);
        target.drift = { static: new HostStateRegistry(reader), files: new HostStateRegistry(reader) };
        const placed = servicesOn(config, hostName);
        const host = new Host(`${name}-host`, { target, storage: config.storage, puid: config.puid, pgid: config.pgid, services: placed }, { parent: this });
        // Exporters sit on internal networks only; the ones Prometheus scrapes from the edge host need a way out to publish.
        const publishing = placed.filter((n) => !spec(n).networks.includes("edge") && !spec(n).hostNetwork && publishedPrivately(flows, n, hostName).length > 0);
        const networks = new Networks(`${name}-net`, { provider: host.provider, subnets: config.networks, enabled: placed, reverseProxy: false, publishing }, { parent: this });
        new Firewall(
            `${name}-firewall`,
            { host: target, policy: otherHostFirewallPolicy(config, hostName), fail2banContainer: placed.includes("fail2ban") ? spec("fail2ban").name : undefined, dependsOn: [host.directories] },
            { parent: this },
        );
        return { name: hostName, host, networks, privateAddress: hostConfig.privateAddress, proxyAddress: config.host.privateAddress };
    }

    service(name: ServiceName): Service | undefined {
        for (const g of this.groups) if (g.services[name]) return g.services[name];
        return undefined;
    }
}
