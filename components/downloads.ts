import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type DownloadsArgs = ServiceGroupArgs;

export class Downloads extends ServiceGroup {
    constructor(name: string, args: DownloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:downloads:Downloads", "downloads", name, args, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
