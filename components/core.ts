import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type CoreArgs = ServiceGroupArgs;

export class Core extends ServiceGroup {
    constructor(name: string, args: CoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:core:Core", "core", name, args, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
