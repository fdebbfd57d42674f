import { ServiceName } from "../../config/catalog";

/** How each app is named on its Organizr tab. */
const TITLES: Partial<Record<ServiceName, string>> = {
    plex: "Plex", sonarr: "Sonarr", radarr: "Radarr", lidarr: "Lidarr", bazarr: "Bazarr", qbittorrent: "qBittorrent", nzbget: "NZBGet",
    prowlarr: "Prowlarr", readarr: "Readarr", calibre: "Calibre", audiobookshelf: "Audiobookshelf", prometheus: "Prometheus",
    grafana: "Grafana", tautulli: "Tautulli", portainer: "Portainer", alertmanager: "Alertmanager", overseerr: "Requests", watchlist: "Watchlist",
};

/** Icons Organizr ships under plugins/images/tabs/ (v2-master); the nearest one where it has none of its own. */
const ICONS: Partial<Record<ServiceName, string>> = {
    plex: "plex.png", sonarr: "sonarr.png", radarr: "radarr.png", lidarr: "lidarr.png", bazarr: "bazarr.png", qbittorrent: "qBittorrent.png",
    nzbget: "nzbget.png", prowlarr: "prowlarr.png", readarr: "readarr.png", calibre: "calibre-web.png", audiobookshelf: "booksonic.png",
    prometheus: "prometheus.png", grafana: "grafana.png", tautulli: "tautulli.png", portainer: "portainer.png", alertmanager: "prometheus.png",
    overseerr: "overseerr.png", watchlist: "watcher.png",
};

export function tabTitle(s: ServiceName): string {
    const t = TITLES[s];
    if (!t) throw new Error(`no Organizr tab title for ${s}: add it to components/wiring/tabs.ts`);
    return t;
}

export function tabIcon(s: ServiceName): string {
    const i = ICONS[s];
    if (!i) throw new Error(`no Organizr tab icon for ${s}: add it to components/wiring/tabs.ts`);
    return `plugins/images/tabs/${i}`;
}
