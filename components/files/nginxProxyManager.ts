import { EDGE_LOG_IN_DATA } from "../edge/authSnippet";
import { HTTP_TOP_IN_DATA, httpTopConf, TIMING_LOG_IN_DATA } from "../edge/accessMetrics";
import { FileBuilder } from "./types";

/**
 * NPM's /data is `<configRoot>/nginx-proxy-manager/data`. The edge access log is seeded empty before NPM starts:
 * every proxy host appends to it, and Fail2Ban's proxy jail needs it from its own first start. The timing log is
 * seeded too, since mtail follows only the files that exist when it starts; http_top.conf defines its format before
 * NPM loads any proxy host that writes it.
 */
export const nginxProxyManagerFiles: FileBuilder = () => [
    { path: `data/${EDGE_LOG_IN_DATA}`, content: "", mode: "0640", seedOnly: true },
    { path: `data/${TIMING_LOG_IN_DATA}`, content: "", mode: "0644", seedOnly: true },
    { path: `data/${HTTP_TOP_IN_DATA}`, content: httpTopConf() },
];
