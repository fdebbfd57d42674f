import * as pulumi from "@pulumi/pulumi";
import { hostCommand } from "../hostCommand";
import { HostTarget } from "../hostTarget";
import { firewallProbes, packagesScript, ufwCreateScript, ufwDeleteScript } from "./firewallScripts";
import { withRepair } from "../hostState";
import { FirewallPolicy } from "./ufwRules";

export interface FirewallArgs {
    /** An ssh host: the firewall of a dev machine is never touched. */
    host: HostTarget;
    /** From `firewallPolicy(config, enabled)`: the same catalog data that publishes the ports. */
    policy: FirewallPolicy;
    /** Name of the fail2ban container, when enabled: restarted after a ufw reload to restore its ban jumps. */
    fail2banContainer?: string;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** UFW on the host (default deny, sshd allowed and left to the sshd jail, public ports only) and a DOCKER-USER block that published ports cannot walk around. */
export class Firewall extends pulumi.ComponentResource {
    readonly policy: FirewallPolicy;
    readonly packages: pulumi.CustomResource;
    readonly rules: pulumi.CustomResource;

    constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:edge:Firewall", name, {}, opts);
        if (args.host.kind !== "ssh") throw new Error("Firewall manages a remote host's firewall only; the dev stack's machine is left alone");
        this.policy = args.policy;
        this.packages = hostCommand(`${name}-packages`, { create: packagesScript() }, args.host, { parent: this, dependsOn: args.dependsOn });
        this.rules = hostCommand(
            `${name}-ufw`,
            { create: withRepair(ufwCreateScript(args.policy, args.fail2banContainer), args.host.drift?.static.watch("firewall", firewallProbes(args.policy))), delete: ufwDeleteScript(args.fail2banContainer) },
            args.host,
            { parent: this, dependsOn: [this.packages] },
        );
        this.registerOutputs({ policy: this.policy });
    }
}
