import { EDGE_LOG_IN_DATA } from "../edge/authSnippet";
import { FileBuilder } from "./types";

/**
 * The edge access log, seeded empty before NPM starts (NPM's /data is `<configRoot>/nginx-proxy-manager/data`):
 * every proxy host appends to it, and Fail2Ban's proxy jail needs it to exist from its own first start.
 */
export const nginxProxyManagerFiles: FileBuilder = () => [{ path: `data/${EDGE_LOG_IN_DATA}`, content: "", mode: "0640", seedOnly: true }];
