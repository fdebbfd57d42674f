import * as pulumi from "@pulumi/pulumi";
import { SecretId, ServiceName, spec } from "../../config/catalog";
import { proxyConnection } from "../edge/proxyHosts";
import { NZBGET_USER } from "../files/nzbget";
import { QBITTORRENT_USER } from "../files/qbittorrent";
import { HostTarget } from "../hostTarget";
import { Secrets } from "../secrets";
import { ApiConnection } from "../transport";
import { AppAccess } from "./appClient";
import { ArrApp, LibraryApp, downloadClientSpec, prowlarrApplicationSpec, rootFolderSpec } from "./arr";
import { ArrProviderObject, ArrRootFolder } from "./arrProviders";
import { Link, linkDescription, linkName, links } from "./links";

export interface WiringArgs {
    enabled: ServiceName[];
    target: HostTarget;
    secrets: Secrets;
    /** Each enabled app's container: a link waits for both of its ends. */
    containers: Partial<Record<ServiceName, pulumi.Resource>>;
}

const API_KEYS: Record<ArrApp, SecretId> = {
    sonarr: "sonarr-api-key",
    radarr: "radarr-api-key",
    lidarr: "lidarr-api-key",
    readarr: "readarr-api-key",
    prowlarr: "prowlarr-api-key",
};

/** An *arr app's API, reached from the proxy container on the app's edge network, with its generated key. */
function arrAccess(connection: pulumi.Output<ApiConnection>, secrets: Secrets, app: ArrApp): pulumi.Output<AppAccess> {
    return pulumi.secret(
        pulumi.all([connection, secrets.value(API_KEYS[app])]).apply(([c, key]): AppAccess => ({ connection: c, app, target: { host: app, port: spec(app).port }, headers: { "X-Api-Key": key } })),
    );
}

/** The links one app holds, grouped under it in the plan. */
export class AppLinks extends pulumi.ComponentResource {
    readonly resources: Record<string, pulumi.CustomResource> = {};

    constructor(name: string, args: { app: ServiceName; links: Link[]; build: (l: Link, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource; dependsOn: pulumi.Resource[] }, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:wiring:AppLinks", name, {}, opts);
        for (const l of args.links) this.resources[linkName(l)] = args.build(l, { parent: this, dependsOn: args.dependsOn });
        this.registerOutputs({ links: args.links.map(linkDescription) });
    }
}

/**
 * The apps connected to each other on the first `up`: every link a resource that reads back what the app holds,
 * so `refresh` sees a link changed or deleted by hand and the next `up` repairs it.
 */
export class Wiring extends pulumi.ComponentResource {
    readonly links: Link[];
    readonly apps: Partial<Record<ServiceName, AppLinks>> = {};

    constructor(name: string, args: WiringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:wiring:Wiring", name, {}, opts);
        this.links = links(args.enabled);
        const connection = proxyConnection(args.target);
        const login = (client: "qbittorrent" | "nzbget") =>
            client === "qbittorrent"
                ? args.secrets.value("qbittorrent-password").apply((password) => ({ username: QBITTORRENT_USER, password }))
                : args.secrets.value("nzbget-password").apply((password) => ({ username: NZBGET_USER, password }));

        const build = (l: Link, o: pulumi.CustomResourceOptions): pulumi.CustomResource => {
            const resource = `${name}-${linkName(l)}`;
            const withEnd = { ...o, dependsOn: [...(o.dependsOn as pulumi.Resource[]), ...(args.containers[l.to] ? [args.containers[l.to]!] : [])] };
            switch (l.kind) {
                case "prowlarr-application":
                    return new ArrProviderObject(
                        resource,
                        { access: arrAccess(connection, args.secrets, "prowlarr"), app: "prowlarr", spec: args.secrets.value(API_KEYS[l.to]).apply((key) => prowlarrApplicationSpec(l.to, spec(l.to).port, spec("prowlarr").port, key)) },
                        withEnd,
                    );
                case "download-client":
                    return new ArrProviderObject(resource, { access: arrAccess(connection, args.secrets, l.app), app: l.app, spec: login(l.to).apply((creds) => downloadClientSpec(l.app as LibraryApp, l.to, creds)) }, withEnd);
                case "root-folder":
                    return new ArrRootFolder(resource, { access: arrAccess(connection, args.secrets, l.app), app: l.app, spec: rootFolderSpec(l.app) }, withEnd);
            }
        };

        for (const app of [...new Set(this.links.map((l) => l.app))]) {
            const own = this.links.filter((l) => l.app === app);
            this.apps[app] = new AppLinks(`${name}-${app}`, { app, links: own, build, dependsOn: args.containers[app] ? [args.containers[app]!] : [] }, { parent: this });
        }
        this.registerOutputs({ links: this.links.map(linkDescription) });
    }
}
