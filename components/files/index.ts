import { ServiceName } from "../../config/catalog";
import { autheliaFiles } from "./authelia";
import { alertmanagerFiles } from "./alertmanager";
import { blackboxFiles } from "./blackbox";
import { diunFiles, nodeExporterFiles } from "./diun";
import { fail2banFiles } from "./fail2ban";
import { grafanaFiles } from "./grafana";
import { mtailFiles } from "./mtail";
import { nginxProxyManagerFiles } from "./nginxProxyManager";
import { nzbgetFiles } from "./nzbget";
import { bazarrFiles } from "./bazarr";
import { prometheusFiles } from "./prometheus";
import { qbittorrentFiles } from "./qbittorrent";
import { redisFiles } from "./redis";
import { FileBuilder } from "./types";

export * from "./types";

/** The generated files of each service that has any; every other service only gets its folders and secrets. */
export const FILE_BUILDERS: Partial<Record<ServiceName, FileBuilder>> = {
    "nginx-proxy-manager": nginxProxyManagerFiles,
    redis: redisFiles,
    authelia: autheliaFiles,
    prometheus: prometheusFiles,
    alertmanager: alertmanagerFiles,
    "blackbox-exporter": blackboxFiles,
    grafana: grafanaFiles,
    fail2ban: fail2banFiles,
    qbittorrent: qbittorrentFiles,
    nzbget: nzbgetFiles,
    bazarr: bazarrFiles,
    "node-exporter": nodeExporterFiles,
    diun: diunFiles,
    mtail: mtailFiles,
};
