import * as pulumi from "@pulumi/pulumi";
import { ServiceGroup, ServiceGroupArgs } from "./serviceGroup";

export type BooksArgs = ServiceGroupArgs;

export class Books extends ServiceGroup {
    constructor(name: string, args: BooksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:books:Books", "books", name, args, opts);
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
