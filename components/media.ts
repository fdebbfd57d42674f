import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type MediaArgs = ServiceGroupArgs;

export class Media extends ServiceGroup {
    constructor(name: string, args: MediaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:media:Media", "media", name, args, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
