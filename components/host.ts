import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceName, spec } from "../config/catalog";
import { StorageConfig } from "../config/types";
import { hostCommand } from "./hostCommand";
import { dirProbe, withRepair } from "./hostState";
import { HostTarget } from "./hostTarget";
import { hostPath } from "./service";
import { script, shQuote } from "./shell";

export interface HostArgs {
    target: HostTarget;
    storage: StorageConfig;
    puid: number;
    pgid: number;
    /** Enabled services: their config folders and every folder their volumes mount are created, owned puid:pgid. */
    services: ServiceName[];
}

/** The TRaSH layout: one tree, so downloads hardlink/move into the library instead of copying. */
export const DATA_TREE = [
    "torrents/tv", "torrents/movies", "torrents/music", "torrents/books",
    "usenet/incomplete", "usenet/complete/tv", "usenet/complete/movies", "usenet/complete/music", "usenet/complete/books",
    "media/tv", "media/movies", "media/music", "media/books", "media/audiobooks", "media/podcasts",
];

/**
 * Fail2Ban's sshd jail reads /var/log/auth.log, which must exist when the fail2ban container starts (see LOGS in
 * files/fail2ban.ts); Debian 12 writes it only once rsyslog is installed, which the firewall step may do later.
 */
const AUTH_LOG_LINE = "[ -e /var/log/auth.log ] || install -m 0640 -o root -g adm /dev/null /var/log/auth.log";

/** The machine: its Docker daemon (as a provider) and the directory tree every app mounts. */
export class Host extends pulumi.ComponentResource {
    readonly provider: docker.Provider;
    readonly directories: pulumi.CustomResource;
    readonly target: HostTarget;
    readonly secretsDir: string;

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:Host", name, {}, opts);
        this.target = args.target;
        const { configRoot, dataRoot } = args.storage;
        this.secretsDir = `${configRoot}/secrets`;

        this.provider = new docker.Provider(
            `${name}-docker`,
            { host: args.target.dockerHost, ...(args.target.dockerSshOpts.length ? { sshOpts: args.target.dockerSshOpts } : {}) },
            { parent: this },
        );

        const owner = `${args.puid}:${args.pgid}`;
        const dataDirs = ["", ...DATA_TREE].map((d) => shQuote(d ? `${dataRoot}/${d}` : dataRoot)).join(" ");
        // Docker would create a missing bind-mount source as root, unwritable for apps running as the stack user.
        const appDirList = appDirectories(args.services, args.storage);
        const appDirs = appDirList.map(shQuote).join(" ");
        // What refresh reads back: the modes and owners this script sets (owners only where it runs as root), and
        // that every app folder exists. An app may chmod its own folder; only a missing one breaks a mount.
        const ssh = args.target.kind === "ssh";
        const repair = args.target.drift?.static.watch("directories", [
            { key: `dir ${configRoot}`, command: dirProbe(configRoot, "%a"), expect: "755" },
            { key: `dir ${this.secretsDir}`, command: dirProbe(this.secretsDir, ssh ? "%a %u:%g" : "%a"), expect: ssh ? `750 0:${args.pgid}` : "750" },
            ...["", ...DATA_TREE].map((d) => {
                const p = d ? `${dataRoot}/${d}` : dataRoot;
                return { key: `dir ${p}`, command: dirProbe(p, ssh ? "%a %u:%g" : "%a"), expect: ssh ? `2775 ${owner}` : "2775" };
            }),
            ...appDirList.map((p) => ({ key: `dir ${p}`, command: dirProbe(p, "present"), expect: "present" })),
        ]);
        // Creating is idempotent; there is deliberately no delete: `pulumi destroy` never removes media or app state.
        this.directories = hostCommand(
            `${name}-directories`,
            {
                create: withRepair(script(
                    `install -d -m 0755 ${shQuote(configRoot)}`,
                    `install -d -m 0750 ${shQuote(this.secretsDir)}`,
                    // A setgid parent (a shared disk) passes its bit on, and numeric modes keep it: clear it, as read back.
                    `chmod 00755 ${shQuote(configRoot)}`,
                    `chmod 00750 ${shQuote(this.secretsDir)}`,
                    `mkdir -p ${dataDirs}`,
                    `chmod 2775 ${dataDirs}`,
                    ...(appDirs ? [`mkdir -p ${appDirs}`] : []),
                    `if [ "$(id -u)" = 0 ]; then`,
                    `  chown 0:${args.pgid} ${shQuote(this.secretsDir)}`,
                    `  chown ${owner} ${dataDirs}${appDirs ? " " + appDirs : ""}`,
                    "fi",
                    ...(args.target.kind === "ssh" && args.services.includes("fail2ban") ? [AUTH_LOG_LINE] : []),
                ), repair),
            },
            args.target,
            { parent: this },
        );
        this.registerOutputs({ dockerHost: args.target.dockerHost });
    }
}

/** Each service's config folder and the config-tree folders its volumes mount, in a stable order. */
export function appDirectories(services: ServiceName[], storage: StorageConfig): string[] {
    const dirs = new Set<string>();
    for (const name of services) {
        dirs.add(`${storage.configRoot}/${name}`);
        for (const v of spec(name).volumes) if (v.source.kind === "config") dirs.add(hostPath(v.source, name, storage));
    }
    return [...dirs];
}
