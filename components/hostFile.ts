import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { hostCommand } from "./hostCommand";
import { HostTarget } from "./hostTarget";
import { script, shQuote } from "./shell";

export interface HostFileArgs {
    host: HostTarget;
    /** Absolute path on the host. */
    path: string;
    content: pulumi.Input<string>;
    /** Octal mode, e.g. "0640". */
    mode: string;
    /** `uid:gid`; applied when the command runs as root (always on a remote host, with sudo). */
    owner: string;
    /** Content that holds a secret: kept secret in state and never printed. */
    secret?: boolean;
    /**
     * Write only when the file is missing: a seed for a file the app rewrites itself (qBittorrent.conf).
     * Such a file is app state afterwards, so deleting the resource leaves it.
     */
    seedOnly?: boolean;
}

/** The plan and reviewers find a file's path on this first line of its write script. */
export const FILE_HEADER = "# monsterr file: ";

/** One file on the host, written atomically (temp file + rename) with its mode and owner; the one way files reach a host. */
export class HostFile extends pulumi.ComponentResource {
    readonly path: string;
    /** sha256 of the content (secret when the content is): a container label that restarts the app on change. */
    readonly contentHash: pulumi.Output<string>;
    readonly command: pulumi.CustomResource;

    constructor(name: string, args: HostFileArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:HostFile", name, {}, opts);
        this.path = args.path;
        const content = args.secret ? pulumi.secret(args.content) : pulumi.output(args.content);
        const p = shQuote(args.path);
        const create = script(
            `${FILE_HEADER}${args.path}`,
            `p=${p}`,
            ...(args.seedOnly ? ['if [ -e "$p" ]; then cat >/dev/null; exit 0; fi'] : []),
            'd=$(dirname "$p")',
            'mkdir -p "$d"',
            't=$(mktemp "$d/.monsterr.XXXXXX")',
            'trap \'rm -f "$t"\' EXIT',
            'cat >"$t"',
            `chmod ${args.mode} "$t"`,
            `if [ "$(id -u)" = 0 ]; then chown ${args.owner} "$t"; fi`,
            'mv -f "$t" "$p"',
            "trap - EXIT",
        );
        this.command = hostCommand(
            `${name}-write`,
            { create, ...(args.seedOnly ? {} : { delete: script(`rm -f ${p}`) }), stdin: content },
            args.host,
            { parent: this, dependsOn: opts?.dependsOn },
        );
        this.contentHash = content.apply((c) => crypto.createHash("sha256").update(c).digest("hex"));
        this.registerOutputs({ path: this.path, contentHash: this.contentHash });
    }
}
