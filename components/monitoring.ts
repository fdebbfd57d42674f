import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type MonitoringArgs = ServiceGroupArgs;

export class Monitoring extends ServiceGroup {
    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:monitoring:Monitoring", "monitoring", name, { ...args, vars: { RETENTION_TIME: args.config.monitoring.retentionTime, RETENTION_SIZE: args.config.monitoring.retentionSize } }, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
