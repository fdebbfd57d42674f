import { ServiceName } from "../../config/catalog";
import { LibraryApp } from "./arr";

/**
 * Every link between apps Monsterr makes, as data: which app it configures, which app it points at, and what it
 * is. A link exists only when both ends are enabled, so disabling an app removes exactly its links.
 */
export type Link =
    | { kind: "prowlarr-application"; app: "prowlarr"; to: LibraryApp }
    | { kind: "download-client"; app: LibraryApp; to: "qbittorrent" | "nzbget" }
    | { kind: "root-folder"; app: LibraryApp; to: LibraryApp };

export const LIBRARY_APPS: readonly LibraryApp[] = ["sonarr", "radarr", "lidarr", "readarr"];
const DOWNLOAD_CLIENTS = ["qbittorrent", "nzbget"] as const;

export function links(enabled: readonly ServiceName[]): Link[] {
    const on = (n: ServiceName) => enabled.includes(n);
    const out: Link[] = [];
    for (const app of LIBRARY_APPS.filter(on)) {
        if (on("prowlarr")) out.push({ kind: "prowlarr-application", app: "prowlarr", to: app });
        for (const client of DOWNLOAD_CLIENTS.filter(on)) out.push({ kind: "download-client", app, to: client });
        out.push({ kind: "root-folder", app, to: app });
    }
    return out;
}

/** The resource name of a link, unique in a stack and stable across runs. */
export function linkName(l: Link): string {
    return l.kind === "root-folder" ? `${l.app}-root-folder` : `${l.app}-to-${l.to}`;
}

/** What the plan tree says about a link. */
export function linkDescription(l: Link): string {
    switch (l.kind) {
        case "prowlarr-application":
            return `Prowlarr syncs its indexers to ${l.to} (full sync)`;
        case "download-client":
            return `${l.app} sends downloads to ${l.to}`;
        case "root-folder":
            return `${l.app}'s library folder`;
    }
}
