import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { hostCommand } from "./hostCommand";
import { fileProbe, statMode, withRepair } from "./hostState";
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
    /**
     * A generated secret the host keeps: written only when missing, and the file's content on the host is the value
     * (`hostContent`). Deleting the resource leaves it, so a `pulumi destroy` and a new `up` hand every app the
     * credential its database already holds instead of a fresh one it would refuse.
     */
    adopt?: boolean;
}

/** The plan and reviewers find a file's path on this first line of its write script. */
export const FILE_HEADER = "# monsterr file: ";
/** First line of an adopted secret's script (see `adopt`): the offline mocks answer it like a host would. */
export const ADOPT_HEADER = "# monsterr adopted secret: ";

/** The host path a write script names on its first line (a file or an adopted secret), if it is one. */
export function scriptedPath(create: string): { path: string; adopted: boolean } | undefined {
    for (const line of create.split("\n")) {
        for (const [header, adopted] of [[FILE_HEADER, false], [ADOPT_HEADER, true]] as const) {
            const at = line.indexOf(header);
            // A sudo wrapper quotes the script, so the path ends at the first quote.
            if (at >= 0) return { path: line.slice(at + header.length).replace(/'.*$/, ""), adopted };
        }
    }
    return undefined;
}

/** One file on the host, written atomically (temp file + rename) with its mode and owner; the one way files reach a host. */
export class HostFile extends pulumi.ComponentResource {
    readonly path: string;
    /** sha256 of the content (secret when the content is): a container label that restarts the app on change. */
    readonly contentHash: pulumi.Output<string>;
    readonly command: pulumi.CustomResource;
    /** With `adopt`: the content the host holds (secret), which may predate this stack's state. */
    readonly hostContent?: pulumi.Output<string>;

    constructor(name: string, args: HostFileArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monsterr:host:HostFile", name, {}, opts);
        this.path = args.path;
        const content = args.secret ? pulumi.secret(args.content) : pulumi.output(args.content);
        const p = shQuote(args.path);
        const write = [
            'd=$(dirname "$p")',
            'mkdir -p "$d"',
            't=$(mktemp "$d/.monsterr.XXXXXX")',
            'trap \'rm -f "$t"\' EXIT',
            'cat >"$t"',
            `chmod ${args.mode} "$t"`,
            `if [ "$(id -u)" = 0 ]; then chown ${args.owner} "$t"; fi`,
            'mv -f "$t" "$p"',
            "trap - EXIT",
        ];
        const create = args.adopt
            ? // Printed on stdout, which hostCommand keeps secret and never logs.
              script(
                  `${ADOPT_HEADER}${args.path}`,
                  `p=${p}`,
                  'if [ -s "$p" ]; then cat >/dev/null; else',
                  ...write,
                  "fi",
                  `chmod ${args.mode} "$p"`,
                  `if [ "$(id -u)" = 0 ]; then chown ${args.owner} "$p"; fi`,
                  'cat "$p"',
              )
            : script(`${FILE_HEADER}${args.path}`, `p=${p}`, ...(args.seedOnly ? ['if [ -e "$p" ]; then cat >/dev/null; exit 0; fi'] : []), ...write);
        const keep = args.seedOnly || args.adopt;
        // Seeds and adopted secrets belong to the host once written: refresh does not watch them.
        const ssh = args.host.kind === "ssh";
        const repair = keep
            ? undefined
            : args.host.drift?.files.watch(`file ${args.path}`, [
                  {
                      key: `file ${args.path}`,
                      command: fileProbe(args.path, ssh),
                      expect: content.apply((c) => `${statMode(args.mode)}${ssh ? ` ${args.owner}` : ""} ${crypto.createHash("sha256").update(c).digest("hex")}`),
                      secret: args.secret,
                  },
              ]);
        this.command = hostCommand(`${name}-write`, { create: withRepair(create, repair), ...(keep ? {} : { delete: script(`rm -f ${p}`) }), stdin: content }, args.host, {
            parent: this,
            dependsOn: opts?.dependsOn,
        });
        if (args.adopt) this.hostContent = pulumi.secret((this.command as unknown as { stdout: pulumi.Output<string> }).stdout);
        const hashed = this.hostContent ?? content;
        this.contentHash = hashed.apply((c) => crypto.createHash("sha256").update(c).digest("hex"));
        this.registerOutputs({ path: this.path, contentHash: this.contentHash });
    }
}
