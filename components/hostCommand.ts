import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { shQuote } from "./shell";
import { HostTarget } from "./hostTarget";

export interface HostCommandArgs {
    /** Runs on create and, with the same text, whenever an input changes: must be idempotent. */
    create: pulumi.Input<string>;
    /** Runs on delete with the inputs stored in state. Omit for commands whose effect must outlive the stack (data). */
    delete?: pulumi.Input<string>;
    stdin?: pulumi.Input<string>;
    /** Values whose change re-runs `create` (a replacement), although the script text is the same. */
    triggers?: pulumi.Input<unknown>[];
}

/**
 * Runs a shell script on the stack's host: locally for the dev stack, over ssh (pinned host key) otherwise.
 * stdout is never logged, so scripts that touch secrets cannot leak them into the update log or state.
 */
export function hostCommand(name: string, args: HostCommandArgs, host: HostTarget, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const wrap = (s: pulumi.Input<string>) => pulumi.output(s).apply((text) => (host.sudo ? `sudo -n sh -c ${shQuote(text)}` : text));
    const common = {
        create: wrap(args.create),
        ...(args.delete !== undefined ? { delete: wrap(args.delete) } : {}),
        ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
        ...(args.triggers !== undefined ? { triggers: args.triggers } : {}),
        logging: "stderr" as const,
        addPreviousOutputInEnv: false,
    };
    const secretOpts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["stdout", "stdin"] });
    if (host.kind === "local") {
        return new command.local.Command(name, { ...common, interpreter: ["/bin/sh", "-c"] }, secretOpts);
    }
    return new command.remote.Command(name, { ...common, connection: host.connection! }, secretOpts);
}
