import { ServiceName, spec } from "../config/catalog";
import { hostOf, privatePort } from "../config/placement";
import { StackConfig } from "../config/types";
import { privateAddressOf } from "./crossHost";

/** Where an app answers, as a client on some host connects to it. */
export interface Address {
    host: string;
    port: number;
}

/** How a client on host `from` reaches `service`'s port (its web/API port unless another is named). */
export type AddressOf = (service: ServiceName, from: string, port?: number) => Address;

/**
 * On the same host: the service's name on the Docker networks. On another host: that host's private address and the
 * service's private port there (config/placement.ts privatePort), open to the hosts that connect to it.
 */
export function addresses(config: Pick<StackConfig, "host" | "hosts" | "services">): AddressOf {
    return (service, from, port = spec(service).port) => {
        const at = hostOf(config, service);
        if (at === from) return { host: service, port };
        return { host: privateAddressOf(config, at), port: privatePort(spec(service), port) };
    };
}
