import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type UIArgs = ServiceGroupArgs;

export class UI extends ServiceGroup {
    constructor(name: string, args: UIArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:ui:UI", "ui", name, args, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
