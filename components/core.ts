import * as pulumi from "@pulumi/pulumi";
import { routedServices } from "./edge/accessControl";
import { NpmAdmin } from "./edge/npmAdmin";
import { ProxyHosts, npmAccess } from "./edge/proxyHosts";
import { EdgeTls } from "./edge/tls";
import { Firewall } from "./edge/firewall";
import { edgeFirewallPolicy } from "./edge/ufwRules";
import { AUTHELIA_LOG } from "./files/authelia";
import { LOGROTATE_FILE, serializeLogrotate } from "./files/logrotate";
import { HostFile } from "./hostFile";
import { ServiceGroup, ServiceGroupArgs, enabledServices } from "./serviceGroup";
import { hostOf } from "../config/placement";
import { addresses } from "./addresses";
import { EDGE_HOST } from "../config/types";

export type CoreArgs = ServiceGroupArgs;

export class Core extends ServiceGroup {
    readonly tls?: EdgeTls;
    readonly proxyHosts?: ProxyHosts;
    readonly npmAdmin?: NpmAdmin;
    /** Only on an ssh host: the dev stack never touches its own machine's firewall. */
    readonly firewall?: Firewall;
    /** Rotation of Authelia's log file (ssh hosts; a dev machine's /etc is its owner's). */
    readonly logrotate?: HostFile;

    constructor(name: string, args: CoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:core:Core", "core", name, { ...args, vars: { ...args.vars, ADMIN_EMAIL: args.config.adminEmail } }, opts);
        const npm = this.services["nginx-proxy-manager"];
        if (npm) {
            const { config } = args;
            const routed = routedServices(config.domain, enabledServices(config));
            const access = npmAccess(args.host.target, config.adminEmail, args.secrets.value("npm-admin-password"));
            this.npmAdmin = new NpmAdmin(`${name}-npm-admin`, { access, bootstrapPassword: args.secrets.value("npm-bootstrap-password") }, { parent: this, dependsOn: [npm.container] });
            const edgeDeps = { parent: this, dependsOn: [npm.container, this.npmAdmin, ...(this.services.authelia ? [this.services.authelia.container] : [])] };
            this.tls = new EdgeTls(`${name}-tls`, { domain: config.domain, tls: config.tls, fqdns: routed.map((s) => s.fqdn), access, dnsCredentials: config.secrets.dnsCredentials }, edgeDeps);
            this.proxyHosts = new ProxyHosts(
                `${name}-proxy-hosts`,
                {
                    services: routed,
                    access,
                    certificateIds: this.tls.certificateIds,
                    hostGateway: args.networks.proxyGateway,
                    trustedProxies: config.trustedProxies,
                    elsewhere: Object.fromEntries(routed.flatMap((r) => (hostOf(config, r.name) === EDGE_HOST ? [] : [[r.name, addresses(config)(r.name, EDGE_HOST)]]))),
                },
                edgeDeps,
            );
        }
        if (args.host.target.kind === "ssh" && this.services.authelia) {
            const authelia = `${args.config.storage.configRoot}/authelia/${AUTHELIA_LOG.replace(/^\/config\//, "")}`;
            this.logrotate = new HostFile(
                `${name}-logrotate`,
                { host: args.host.target, path: LOGROTATE_FILE, content: serializeLogrotate([{ path: authelia, keep: 14, maxSizeMb: 50 }]), mode: "0644", owner: "0:0" },
                { parent: this },
            );
        }
        if (args.host.target.kind === "ssh") {
            this.firewall = new Firewall(
                `${name}-firewall`,
                { host: args.host.target, policy: edgeFirewallPolicy(args.config), fail2banContainer: this.services.fail2ban?.containerName, dependsOn: [args.host.directories] },
                { parent: this },
            );
        }
        this.registerOutputs({ services: Object.keys(this.services) });
    }
}
