import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SECRET_IDS, SECRETS, SecretId, ServiceName } from "../config/catalog";
import { StackSecrets } from "../config/types";
import { HostFile } from "./hostFile";
import { HostTarget } from "./hostTarget";

export interface SecretsArgs {
    host: HostTarget;
    /** Secrets the user set on the stack; catalog entries with `userSecret` take their value from here. */
    provided: StackSecrets;
    /** Folder on the host for secret files (0750 root:pgid). */
    dir: string;
    pgid: number;
    enabled: ServiceName[];
}

/**
 * Every generated password and key, named once, and the user's own secrets that containers read. Each is a Pulumi secret and is also written to
 * `<dir>/<id>` (0440 root:pgid) so containers read it through a `_FILE` variable, never the environment.
 */
export class Secrets extends pulumi.ComponentResource {
    private readonly values = new Map<SecretId, pulumi.Output<string>>();
    private readonly files = new Map<SecretId, HostFile>();

    constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:core:Secrets", name, {}, opts);
        for (const id of SECRET_IDS) {
            const spec = SECRETS[id];
            if (!args.enabled.includes(spec.service)) continue;
            const provided = spec.userSecret ? args.provided[spec.userSecret] : undefined;
            if (spec.userSecret && !provided) continue;
            const value = provided
                ? pulumi.secret(provided)
                : pulumi.secret(new random.RandomPassword(`${name}-${id}`, { length: spec.length, special: false, upper: !spec.apiKey }, { parent: this }).result);
            this.values.set(id, value);
            if (spec.stateOnly) continue;
            this.files.set(
                id,
                new HostFile(`${name}-${id}-file`, { host: args.host, path: `${args.dir}/${id}`, content: value, mode: "0440", owner: `0:${args.pgid}`, secret: true }, { parent: this, dependsOn: opts?.dependsOn }),
            );
        }
        this.registerOutputs({});
    }

    has(id: SecretId): boolean {
        return this.values.has(id);
    }

    value(id: SecretId): pulumi.Output<string> {
        const v = this.values.get(id);
        if (!v) throw new Error(`secret ${id} is not generated: its service ${SECRETS[id].service} is disabled`);
        return v;
    }

    file(id: SecretId): HostFile {
        const f = this.files.get(id);
        if (!f && SECRETS[id].stateOnly) throw new Error(`secret ${id} is kept in Pulumi state only: no container may read it`);
        if (!f) throw new Error(`secret ${id} is not generated: its service ${SECRETS[id].service} is disabled`);
        return f;
    }
}
