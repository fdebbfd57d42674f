import * as pulumi from "@pulumi/pulumi";
import { ServiceName } from "../../config/catalog";
import { StackConfig } from "../../config/types";
import { Secrets } from "../secrets";
import { ServiceFile } from "../service";

export interface FileContext {
    config: StackConfig;
    secrets: Secrets;
    enabled: ServiceName[];
    /** The reverse proxy's fixed address as this service sees it (on its edge network). */
    proxyAddress: string;
    /**
     * A builder that needs resources of its own (Authelia's password hashes) registers them under `parent` (the
     * service's group), named `<name>-...` after the service's resource name: never inside an apply.
     */
    parent: pulumi.Resource;
    name: string;
}

/** Builds the files one service reads from its config folder. */
export type FileBuilder = (ctx: FileContext) => ServiceFile[];
