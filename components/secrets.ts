import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CATALOG, SECRET_IDS, SECRETS, SecretId, ServiceName } from "../config/catalog";
import { EDGE_HOST, StackSecrets } from "../config/types";
import { RESTIC_PASSWORD_ID } from "./files/backup";
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
    /** Household users without their own password (monsterr:userPasswords): each gets a generated one. */
    generatedUsers?: string[];
    /** The nightly backup is on: generate its repository password. */
    backup?: boolean;
    /**
     * Hosts other than `host` (monsterr:hosts) and the services placed there: each secret such a service mounts is
     * written to that host's secrets folder too, with the same value, mode and owner.
     */
    otherHosts?: { name: string; host: HostTarget; dir: string; services: ServiceName[]; dependsOn: pulumi.Input<pulumi.Resource>[] }[];
}

/** Secrets some container reads as a file. */
const MOUNTED = new Set<SecretId>(CATALOG.flatMap((s) => (s.secrets ?? []).map((m) => m.secret)));

/**
 * Every generated password and key, named once, and the user's own secrets that containers read. Each is a Pulumi secret and is also written to
 * `<dir>/<id>`: 0440 root:pgid when a container reads it (through a `_FILE` variable, never the environment), 0400
 * root's otherwise. Generated ones stay on the host after a destroy and are adopted by the next stack.
 */
export class Secrets extends pulumi.ComponentResource {
    private readonly values = new Map<SecretId, pulumi.Output<string>>();
    private readonly files = new Map<SecretId, HostFile>();
    /** Copies on other hosts, by `<host>/<id>`. */
    private readonly copies = new Map<string, HostFile>();
    private readonly users = new Map<string, pulumi.Output<string>>();
    /** restic's repository password (root's alone on the host), when backups are on. */
    readonly resticPassword?: HostFile;
    /** Its copy on each other host, by host name. */
    readonly resticCopies = new Map<string, HostFile>();

    constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:core:Secrets", name, {}, opts);
        const fileOpts = { parent: this, dependsOn: opts?.dependsOn };
        // A generated value is a candidate: the host keeps the first one written and every later stack adopts it.
        const adopted = (id: string, shape: random.RandomPasswordArgs, readers: "root" | "group") =>
            new HostFile(
                `${name}-${id}-file`,
                {
                    host: args.host,
                    path: `${args.dir}/${id}`,
                    content: new random.RandomPassword(`${name}-${id}`, shape, { parent: this }).result,
                    mode: readers === "root" ? "0400" : "0440",
                    owner: readers === "root" ? "0:0" : `0:${args.pgid}`,
                    secret: true,
                    adopt: true,
                },
                fileOpts,
            );
        for (const id of SECRET_IDS) {
            const spec = SECRETS[id];
            if (!args.enabled.includes(spec.service)) continue;
            const provided = spec.userSecret ? args.provided[spec.userSecret] : undefined;
            if (spec.userSecret && !provided) continue;
            if (provided) {
                // The user's own value, written as given.
                const value = pulumi.secret(provided);
                this.values.set(id, value);
                this.files.set(id, new HostFile(`${name}-${id}-file`, { host: args.host, path: `${args.dir}/${id}`, content: value, mode: "0440", owner: `0:${args.pgid}`, secret: true }, fileOpts));
                continue;
            }
            // A secret no container mounts (hashed into a file, or only the program's login) is root's alone.
            const file = adopted(id, { length: spec.length, special: false, upper: !spec.apiKey }, MOUNTED.has(id) ? "group" : "root");
            this.values.set(id, file.hostContent!);
            if (!spec.stateOnly) this.files.set(id, file);
        }
        // Only Authelia's users database reads these (hashed), so only root may read the files.
        for (const user of args.enabled.includes("authelia") ? args.generatedUsers ?? [] : []) {
            this.users.set(user, adopted(`authelia-user-${user}`, { length: 24, special: false }, "root").hostContent!);
        }
        if (args.backup) this.resticPassword = adopted(RESTIC_PASSWORD_ID, { length: 48, special: false }, "root");
        for (const other of args.otherHosts ?? []) {
            const mounted = new Set(CATALOG.filter((s) => other.services.includes(s.name)).flatMap((s) => (s.secrets ?? []).map((m) => m.secret)));
            for (const id of SECRET_IDS.filter((i) => mounted.has(i) && this.files.has(i))) {
                const copy = new HostFile(
                    `${name}-${other.name}-${id}-file`,
                    { host: other.host, path: `${other.dir}/${id}`, content: this.values.get(id)!, mode: "0440", owner: `0:${args.pgid}`, secret: true },
                    { parent: this, dependsOn: other.dependsOn },
                );
                this.copies.set(`${other.name}/${id}`, copy);
            }
            // Each host backs up its own apps into the one repository: every host needs its password.
            if (this.resticPassword) {
                this.resticCopies.set(
                    other.name,
                    new HostFile(
                        `${name}-${other.name}-${RESTIC_PASSWORD_ID}-file`,
                        { host: other.host, path: `${other.dir}/${RESTIC_PASSWORD_ID}`, content: this.resticPassword.hostContent!, mode: "0400", owner: "0:0", secret: true },
                        { parent: this, dependsOn: other.dependsOn },
                    ),
                );
            }
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

    /** The generated password of a household user who has none of their own. */
    userPassword(user: string): pulumi.Output<string> | undefined {
        return this.users.get(user);
    }

    /** The file of a secret on the edge host, or its copy on another host (`site`, a key of monsterr:hosts). */
    file(id: SecretId, site?: string): HostFile {
        if (site && site !== EDGE_HOST) {
            const copy = this.copies.get(`${site}/${id}`);
            if (!copy) throw new Error(`secret ${id} has no copy on host ${site}: no service placed there mounts it`);
            return copy;
        }
        const f = this.files.get(id);
        if (!f && SECRETS[id].stateOnly) throw new Error(`secret ${id} is kept in Pulumi state only: no container may read it`);
        if (!f) throw new Error(`secret ${id} is not generated: its service ${SECRETS[id].service} is disabled`);
        return f;
    }
}
