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
import { ABS_LIBRARIES, AbsLibrary, AbsRoot } from "./audiobookshelf";
import { BazarrArrLink, bazarrArrSettings } from "./bazarr";
import { ORGANIZR_GROUPS, OrganizrSetup, OrganizrTab } from "./organizr";
import { tabIcon, tabTitle } from "./tabs";
import { SeerrArrLink, seerrServerSpec } from "./seerr";
import { AddressOf } from "../addresses";
import { EDGE_HOST } from "../../config/types";
import { libraryPath } from "./arr";
import { Link, linkDescription, linkName, links } from "./links";

export interface WiringArgs {
    enabled: ServiceName[];
    domain: string;
    adminUser: string;
    adminEmail: string;
    target: HostTarget;
    secrets: Secrets;
    /** Each enabled app's container: a link waits for both of its ends. */
    containers: Partial<Record<ServiceName, pulumi.Resource>>;
    /** Where each app runs (`edge` or a key of monsterr:hosts), and how an app on one host reaches another's port. */
    hostOf: (service: ServiceName) => string;
    address: AddressOf;
}

const API_KEYS: Record<ArrApp, SecretId> = {
    sonarr: "sonarr-api-key",
    radarr: "radarr-api-key",
    lidarr: "lidarr-api-key",
    readarr: "readarr-api-key",
    prowlarr: "prowlarr-api-key",
};

/** An *arr app's API, reached from the proxy container on the app's edge network, with its generated key. */
function arrAccess(connection: pulumi.Output<ApiConnection>, secrets: Secrets, app: ArrApp, address: AddressOf): pulumi.Output<AppAccess> {
    return pulumi.secret(
        pulumi.all([connection, secrets.value(API_KEYS[app])]).apply(([c, key]): AppAccess => ({ connection: c, app, target: address(app, EDGE_HOST), headers: { "X-Api-Key": key } })),
    );
}

type Build = (l: Link, opts: pulumi.CustomResourceOptions, earlier: Record<string, pulumi.CustomResource>) => pulumi.CustomResource;

/** The links one app holds, grouped under it in the plan; each may wait for the ones before it (a setup, a login). */
export class AppLinks extends pulumi.ComponentResource {
    readonly resources: Record<string, pulumi.CustomResource> = {};

    constructor(name: string, args: { app: ServiceName; links: Link[]; build: Build; dependsOn: pulumi.Resource[] }, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:wiring:AppLinks", name, {}, opts);
        for (const l of args.links) this.resources[linkName(l)] = args.build(l, { parent: this, dependsOn: args.dependsOn }, this.resources);
        this.registerOutputs({ links: args.links.map(linkDescription) });
    }
}

/**
 * The apps connected to each other on the first `up`: every link a resource that reads back what the app holds,
 * so `refresh` sees a link changed or deleted by hand and the next `up` repairs it.
 */
export class Wiring extends pulumi.ComponentResource {
    readonly links: Link[];
    /** Links waiting for a person (Seerr's first sign-in), by link name. */
    readonly pending: pulumi.Output<string[]>;
    readonly apps: Partial<Record<ServiceName, AppLinks>> = {};

    constructor(name: string, args: WiringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:wiring:Wiring", name, {}, opts);
        this.links = links(args.enabled);
        const connection = proxyConnection(args.target);
        const sameHost = (a: ServiceName, b: ServiceName) => args.hostOf(a) === args.hostOf(b);
        const login = (client: "qbittorrent" | "nzbget") =>
            client === "qbittorrent"
                ? args.secrets.value("qbittorrent-password").apply((password) => ({ username: QBITTORRENT_USER, password }))
                : args.secrets.value("nzbget-password").apply((password) => ({ username: NZBGET_USER, password }));

        const plainAccess = (app: ServiceName, headers: pulumi.Input<Record<string, string>> = {}): pulumi.Output<AppAccess> =>
            pulumi.secret(pulumi.all([connection, headers]).apply(([c, h]): AppAccess => ({ connection: c, app, target: args.address(app, EDGE_HOST), headers: h })));
        const absRoot = args.secrets.has("audiobookshelf-root-password") ? args.secrets.value("audiobookshelf-root-password").apply((password) => ({ username: args.adminUser, password })) : undefined;
        const organizrAccess = args.secrets.has("organizr-api-key") ? plainAccess("organizr", args.secrets.value("organizr-api-key").apply((key) => ({ Token: key }))) : undefined;

        const build: Build = (l, o, earlier) => {
            const resource = `${name}-${linkName(l)}`;
            const withEnd = { ...o, dependsOn: [...(o.dependsOn as pulumi.Resource[]), ...(args.containers[l.to] ? [args.containers[l.to]!] : [])] };
            const after = (link: string) => ({ ...withEnd, dependsOn: [...withEnd.dependsOn, earlier[link]] });
            switch (l.kind) {
                case "prowlarr-application":
                    return new ArrProviderObject(
                        resource,
                        { access: arrAccess(connection, args.secrets, "prowlarr", args.address), app: "prowlarr", spec: args.secrets.value(API_KEYS[l.to]).apply((key) =>
                                prowlarrApplicationSpec(l.to, spec(l.to).port, spec("prowlarr").port, key, sameHost("prowlarr", l.to) ? undefined : { prowlarr: args.address("prowlarr", args.hostOf(l.to)), app: args.address(l.to, args.hostOf("prowlarr")) }),
                            ),
                        },
                        withEnd,
                    );
                case "download-client":
                    return new ArrProviderObject(resource, { access: arrAccess(connection, args.secrets, l.app, args.address), app: l.app, spec: login(l.to).apply((creds) => downloadClientSpec(l.app as LibraryApp, l.to, creds, sameHost(l.app, l.to) ? undefined : args.address(l.to, args.hostOf(l.app)))) }, withEnd);
                case "root-folder":
                    return new ArrRootFolder(resource, { access: arrAccess(connection, args.secrets, l.app, args.address), app: l.app, spec: rootFolderSpec(l.app) }, withEnd);
                case "bazarr":
                    return new BazarrArrLink(
                        resource,
                        {
                            access: pulumi.secret(pulumi.all([connection, args.secrets.value("bazarr-api-key")]).apply(([c, key]): AppAccess => ({ connection: c, app: "bazarr", target: args.address("bazarr", EDGE_HOST), headers: { "X-API-KEY": key } }))),
                            app: l.to,
                            settings: args.secrets.value(API_KEYS[l.to]).apply((key) => {
                                const at = args.address(l.to, args.hostOf("bazarr"));
                                return bazarrArrSettings(l.to, at.port, key, at.host);
                            }),
                        },
                        withEnd,
                    );
                case "audiobookshelf-root":
                    return new AbsRoot(resource, { access: plainAccess("audiobookshelf"), root: absRoot! }, withEnd);
                case "audiobookshelf-library":
                    return new AbsLibrary(resource, { access: plainAccess("audiobookshelf"), root: absRoot!, spec: ABS_LIBRARIES.find((x) => x.name === l.library)! }, after("audiobookshelf-root-user"));
                case "organizr-setup":
                    return new OrganizrSetup(
                        resource,
                        {
                            access: organizrAccess!,
                            spec: pulumi
                                .all(["organizr-api-key", "organizr-admin-password", "organizr-hash-key", "organizr-registration-password"].map((id) => args.secrets.value(id as SecretId)))
                                .apply(([apiKey, password, hashKey, registrationPassword]) => ({ username: args.adminUser, email: args.adminEmail, password, apiKey, hashKey, registrationPassword })),
                        },
                        withEnd,
                    );
                case "seerr":
                    return new SeerrArrLink(
                        resource,
                        {
                            access: plainAccess("overseerr", args.secrets.value("seerr-api-key").apply((key) => ({ "X-Api-Key": key }))),
                            app: l.to,
                            spec: args.secrets.value(API_KEYS[l.to]).apply((key) => {
                                const at = args.address(l.to, args.hostOf("overseerr"));
                                return seerrServerSpec(l.to, at.port, key, libraryPath(l.to), `https://${spec(l.to).route!.subdomain}.${args.domain}`, at.host);
                            }),
                        },
                        withEnd,
                    );
                case "organizr-tab": {
                    const route = spec(l.to).route!;
                    return new OrganizrTab(
                        resource,
                        { access: organizrAccess!, spec: { name: tabTitle(l.to), url: `https://${route.subdomain}.${args.domain}`, image: tabIcon(l.to), group_id: route.group === "users" || route.auth === "bypass" ? ORGANIZR_GROUPS.users : ORGANIZR_GROUPS.admins } },
                        // The tab only points at the app: it waits for Organizr's setup, not for the app.
                        { ...o, dependsOn: [...(o.dependsOn as pulumi.Resource[]), earlier["organizr-setup"]] },
                    );
                }
            }
        };

        for (const app of [...new Set(this.links.map((l) => l.app))]) {
            const own = this.links.filter((l) => l.app === app);
            this.apps[app] = new AppLinks(`${name}-${app}`, { app, links: own, build, dependsOn: args.containers[app] ? [args.containers[app]!] : [] }, { parent: this });
        }
        const seerr = Object.values(this.apps.overseerr?.resources ?? {}) as SeerrArrLink[];
        this.pending = pulumi.all(seerr.map((r) => r.pending)).apply((flags) => (flags.some((f) => f) ? ["seerr"] : []));
        this.registerOutputs({ links: this.links.map(linkDescription) });
    }
}
