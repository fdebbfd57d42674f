import { CATALOG, ServiceName } from "../../config/catalog";
import { LibraryApp } from "./arr";

/**
 * Every link between apps Monsterr makes, as data: which app it configures, which app it points at, and what it
 * is. A link exists only when both ends are enabled, so disabling an app removes exactly its links.
 */
export type Link =
    | { kind: "prowlarr-application"; app: "prowlarr"; to: LibraryApp }
    | { kind: "download-client"; app: LibraryApp; to: "qbittorrent" | "nzbget" }
    | { kind: "root-folder"; app: LibraryApp; to: LibraryApp }
    | { kind: "bazarr"; app: "bazarr"; to: "sonarr" | "radarr" }
    | { kind: "audiobookshelf-root"; app: "audiobookshelf"; to: "audiobookshelf" }
    | { kind: "audiobookshelf-library"; app: "audiobookshelf"; to: "audiobookshelf"; library: "Audiobooks" | "Podcasts" }
    | { kind: "organizr-setup"; app: "organizr"; to: "organizr" }
    | { kind: "organizr-tab"; app: "organizr"; to: ServiceName }
    | { kind: "seerr"; app: "overseerr"; to: "sonarr" | "radarr" };

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
    if (on("bazarr")) for (const to of (["sonarr", "radarr"] as const).filter(on)) out.push({ kind: "bazarr", app: "bazarr", to });
    if (on("overseerr")) for (const to of (["sonarr", "radarr"] as const).filter(on)) out.push({ kind: "seerr", app: "overseerr", to });
    if (on("audiobookshelf")) {
        out.push({ kind: "audiobookshelf-root", app: "audiobookshelf", to: "audiobookshelf" });
        for (const library of ["Audiobooks", "Podcasts"] as const) out.push({ kind: "audiobookshelf-library", app: "audiobookshelf", to: "audiobookshelf", library });
    }
    if (on("organizr")) {
        out.push({ kind: "organizr-setup", app: "organizr", to: "organizr" });
        // One tab per app a person opens: every routed app but the portal and Organizr itself.
        for (const s of CATALOG.filter((s) => s.route && on(s.name) && s.name !== "organizr" && s.name !== "authelia")) out.push({ kind: "organizr-tab", app: "organizr", to: s.name });
    }
    return out;
}

/** The resource name of a link, unique in a stack and stable across runs. */
export function linkName(l: Link): string {
    switch (l.kind) {
        case "root-folder":
            return `${l.app}-root-folder`;
        case "audiobookshelf-root":
            return "audiobookshelf-root-user";
        case "audiobookshelf-library":
            return `audiobookshelf-library-${l.library.toLowerCase()}`;
        case "organizr-setup":
            return "organizr-setup";
        case "organizr-tab":
            return `organizr-tab-${l.to}`;
        default:
            return `${l.app}-to-${l.to}`;
    }
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
        case "bazarr":
            return `Bazarr finds subtitles for ${l.to}'s library`;
        case "audiobookshelf-root":
            return "Audiobookshelf's root user, from a generated password";
        case "audiobookshelf-library":
            return `Audiobookshelf's ${l.library} library`;
        case "organizr-setup":
            return "Organizr's first-run setup, from generated secrets";
        case "organizr-tab":
            return `Organizr's tab for ${l.to}`;
        case "seerr":
            return `Seerr sends requests to ${l.to} (after its first sign-in)`;
    }
}
