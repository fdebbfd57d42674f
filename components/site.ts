import { Host } from "./host";
import { Networks } from "./networks";

/** One host of the stack with what the program built on it: its Docker daemon and folders, and its networks. */
export interface Site {
    /** `edge` (the stack's `host`: proxy, Authelia, monitoring) or a key of `monsterr:hosts`. */
    name: string;
    host: Host;
    networks: Networks;
    /**
     * The host's address on the private link between the hosts; set on every host of a stack with `hosts`. On a
     * host other than the edge host, apps publish their ports on it, and only the edge host's address may connect.
     */
    privateAddress?: string;
    /** The edge host's private address, as an app on this host sees the reverse proxy (other hosts only). */
    proxyAddress?: string;
}
