/**
 * The *arr apps' provider objects (download clients, Prowlarr applications) and root folders, as Monsterr declares
 * them and as the apps return them. Pure data code: the dynamic providers carry it to the provider process by
 * closure serialization, so it imports nothing but types.
 */

export type ArrApp = "sonarr" | "radarr" | "lidarr" | "readarr" | "prowlarr";
export type LibraryApp = Exclude<ArrApp, "prowlarr">;

export interface ArrAppInfo {
    /** API base path: Sonarr and Radarr are v3, the others v1. */
    api: "/api/v3" | "/api/v1";
    /** Prowlarr's application implementation for this app. */
    implementation: "Sonarr" | "Radarr" | "Lidarr" | "Readarr";
    /** The download-client field that names its category (Readarr's fork keeps Lidarr's `musicCategory`). */
    categoryField: "tvCategory" | "movieCategory" | "musicCategory";
    /** One category per library, the same name in qBittorrent, NZBGet and the data tree (TRaSH layout). */
    category: "tv" | "movies" | "music" | "books";
    /** Lidarr and Readarr root folders name a quality and a metadata profile: the ids of a fresh database's defaults. */
    rootFolderProfiles?: { quality: number; metadata: number };
}

export const ARR_APPS: Record<LibraryApp, ArrAppInfo> = {
    sonarr: { api: "/api/v3", implementation: "Sonarr", categoryField: "tvCategory", category: "tv" },
    radarr: { api: "/api/v3", implementation: "Radarr", categoryField: "movieCategory", category: "movies" },
    // Lidarr: 1 "Any" and 1 "Standard" (QualityProfileService / MetadataProfileService seed them on first start).
    lidarr: { api: "/api/v1", implementation: "Lidarr", categoryField: "musicCategory", category: "music", rootFolderProfiles: { quality: 1, metadata: 1 } },
    // Bookshelf: 1 "eBook" and 1 "Standard".
    readarr: { api: "/api/v1", implementation: "Readarr", categoryField: "musicCategory", category: "books", rootFolderProfiles: { quality: 1, metadata: 1 } },
};

export const PROWLARR_API = "/api/v1";

export const apiBase = (app: ArrApp): string => (app === "prowlarr" ? PROWLARR_API : ARR_APPS[app].api);

/** Where each library lives, as every app sees the data tree. */
export const libraryPath = (app: LibraryApp): string => `/data/media/${ARR_APPS[app].category}`;

/** A provider object's settings field: its value, or a secret the app masks as `********` when read. */
export type FieldValue = string | number | boolean;

/**
 * What Monsterr owns of one provider object (a download client in an *arr app, an application in Prowlarr). Fields
 * not listed keep the app's defaults; `secretFields` are written but never compared, since the app masks them.
 */
export interface ProviderObjectSpec {
    /** `downloadclient` or `applications`. */
    resource: "downloadclient" | "applications";
    name: string;
    implementation: string;
    configContract: string;
    fields: Record<string, FieldValue>;
    secretFields: string[];
    /** Download clients: protocol and priority. */
    protocol?: "torrent" | "usenet";
    priority?: number;
    /** Prowlarr applications: how indexers sync. */
    syncLevel?: "disabled" | "addOnly" | "fullSync";
}

/** The app masks secret fields on read. */
export const MASKED = "********";

/**
 * The API body. `enabled: false` is the first POST: the apps test a provider object on create whenever it is
 * enabled (even with forceSave), so Monsterr creates it disabled, then enables it with a PUT that skips the test.
 */
export function providerObjectBody(spec: ProviderObjectSpec, enabled: boolean, id?: number): Record<string, unknown> {
    const body: Record<string, unknown> = {
        ...(id !== undefined ? { id } : {}),
        name: spec.name,
        implementation: spec.implementation,
        configContract: spec.configContract,
        tags: [],
        fields: Object.entries(spec.fields).map(([name, value]) => ({ name, value })),
    };
    if (spec.resource === "downloadclient") {
        Object.assign(body, { enable: enabled, protocol: spec.protocol, priority: spec.priority ?? 1, removeCompletedDownloads: true, removeFailedDownloads: true });
    } else {
        body.syncLevel = enabled ? spec.syncLevel : "disabled";
    }
    return body;
}

/** What an app holds of a provider object, in the shape Monsterr declares (secret fields as the app shows them). */
export interface ProviderObjectObserved {
    name: string;
    implementation: string;
    configContract: string;
    fields: Record<string, unknown>;
    enabled: boolean;
    protocol?: string;
    priority?: number;
    syncLevel?: string;
}

export function providerObjectFromApi(o: Record<string, any>): ProviderObjectObserved {
    const fields: Record<string, unknown> = {};
    for (const f of (o.fields ?? []) as { name: string; value?: unknown }[]) fields[f.name] = f.value;
    return {
        name: String(o.name),
        implementation: String(o.implementation),
        configContract: String(o.configContract),
        fields,
        enabled: "enable" in o ? o.enable === true : o.syncLevel !== "disabled",
        ...(o.protocol !== undefined ? { protocol: String(o.protocol) } : {}),
        ...(o.priority !== undefined ? { priority: Number(o.priority) } : {}),
        ...(o.syncLevel !== undefined ? { syncLevel: String(o.syncLevel) } : {}),
    };
}

/**
 * The owned settings in which the app's object differs from the spec. Secret fields count only when the app shows
 * them in clear and they differ (an app that masks them, as the *arr apps do, cannot be compared: never a change).
 */
export function providerObjectDrift(spec: ProviderObjectSpec, o: ProviderObjectObserved): string[] {
    const drift: string[] = [];
    for (const k of ["name", "implementation", "configContract"] as const) if (o[k] !== spec[k]) drift.push(k);
    if (!o.enabled) drift.push("enabled");
    if (spec.resource === "downloadclient") {
        if (o.protocol !== spec.protocol) drift.push("protocol");
        if (o.priority !== (spec.priority ?? 1)) drift.push("priority");
    } else if (o.syncLevel !== spec.syncLevel) {
        drift.push("syncLevel");
    }
    for (const [name, value] of Object.entries(spec.fields)) {
        const seen = o.fields[name];
        if (spec.secretFields.includes(name) && (seen === MASKED || seen === undefined)) continue;
        if (seen !== value) drift.push(`fields.${name}`);
    }
    return drift;
}

/** A library app's download client: its own category, on the shared backend network. */
export function downloadClientSpec(app: LibraryApp, client: "qbittorrent" | "nzbget", login: { username: string; password: string }, at?: { host: string; port: number }): ProviderObjectSpec {
    const info = ARR_APPS[app];
    const where = at ?? (client === "qbittorrent" ? { host: "qbittorrent", port: 8080 } : { host: "nzbget", port: 6789 });
    if (client === "qbittorrent") {
        return {
            resource: "downloadclient",
            name: "qBittorrent (Monsterr)",
            implementation: "QBittorrent",
            configContract: "QBittorrentSettings",
            protocol: "torrent",
            priority: 1,
            fields: { host: where.host, port: where.port, useSsl: false, urlBase: "", username: login.username, password: login.password, [info.categoryField]: info.category },
            secretFields: ["password"],
        };
    }
    return {
        resource: "downloadclient",
        name: "NZBGet (Monsterr)",
        implementation: "Nzbget",
        configContract: "NzbgetSettings",
        protocol: "usenet",
        priority: 1,
        fields: { host: where.host, port: where.port, useSsl: false, urlBase: "", username: login.username, password: login.password, [info.categoryField]: info.category },
        secretFields: ["password"],
    };
}

/** Prowlarr's application for one library app: full sync of indexers, both sides on the backend network. */
export function prowlarrApplicationSpec(
    app: LibraryApp,
    appPort: number,
    prowlarrPort: number,
    apiKey: string,
    /** Where the app reaches Prowlarr and Prowlarr the app, when they run on different hosts. */
    at?: { prowlarr: { host: string; port: number }; app: { host: string; port: number } },
): ProviderObjectSpec {
    const info = ARR_APPS[app];
    return {
        resource: "applications",
        name: `${info.implementation} (Monsterr)`,
        implementation: info.implementation,
        configContract: `${info.implementation}Settings`,
        syncLevel: "fullSync",
        fields: {
            prowlarrUrl: at ? `http://${at.prowlarr.host}:${at.prowlarr.port}` : `http://prowlarr:${prowlarrPort}`,
            baseUrl: at ? `http://${at.app.host}:${at.app.port}` : `http://${app}:${appPort}`,
            apiKey,
        },
        secretFields: ["apiKey"],
    };
}

/** A library's root folder; Lidarr and Readarr also name it and its default profiles. */
export interface RootFolderSpec {
    path: string;
    name?: string;
    defaultQualityProfileId?: number;
    defaultMetadataProfileId?: number;
}

export function rootFolderSpec(app: LibraryApp): RootFolderSpec {
    const info = ARR_APPS[app];
    const path = libraryPath(app);
    if (!info.rootFolderProfiles) return { path };
    return { path, name: info.category[0].toUpperCase() + info.category.slice(1), defaultQualityProfileId: info.rootFolderProfiles.quality, defaultMetadataProfileId: info.rootFolderProfiles.metadata };
}

export function rootFolderBody(spec: RootFolderSpec): Record<string, unknown> {
    return { ...spec };
}

export function rootFolderFromApi(o: Record<string, any>): RootFolderSpec {
    return {
        path: String(o.path).replace(/\/+$/, ""),
        ...(o.name !== undefined ? { name: String(o.name) } : {}),
        ...(o.defaultQualityProfileId !== undefined ? { defaultQualityProfileId: Number(o.defaultQualityProfileId) } : {}),
        ...(o.defaultMetadataProfileId !== undefined ? { defaultMetadataProfileId: Number(o.defaultMetadataProfileId) } : {}),
    };
}
