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
}

/** Builds the files one service reads from its config folder. */
export type FileBuilder = (ctx: FileContext) => ServiceFile[];
