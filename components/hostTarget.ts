import { HostConfig } from "../config/types";
import * as pulumi from "@pulumi/pulumi";
import type { HostStateConnection, HostStateRegistry } from "./hostState";

/** Where host commands run and how the Docker provider reaches the daemon; derived once from the stack config. */
export interface HostTarget {
    kind: "local" | "ssh";
    /** `unix:///...` or `ssh://user@host:port`. */
    dockerHost: string;
    /** ssh options for the Docker provider: host key pinned, never asked. */
    dockerSshOpts: string[];
    /** Connection for @pulumi/command remote commands (ssh only). */
    connection?: {
        host: string;
        port: number;
        user: string;
        hostKey: string;
        privateKey?: pulumi.Output<string>;
    };
    /** Wrap scripts in `sudo -n` (a non-root ssh login). */
    sudo: boolean;
    /**
     * Where writers register what `refresh` should read back (components/hostState.ts): directories and the firewall
     * in `static`, generated files in `files` (whose contents may wait for secrets written under the directories).
     */
    drift?: { static: HostStateRegistry; files: HostStateRegistry };
}

/** How a HostState resource reads this host: the same shell, or the same ssh options and key as the Docker provider. */
export function stateConnection(target: HostTarget): pulumi.Output<HostStateConnection> {
    const c = target.connection;
    if (target.kind === "local" || !c) return pulumi.output({ kind: "local" as const });
    return pulumi.output(c.privateKey ?? "").apply((key) => ({
        kind: "ssh" as const,
        host: c.host,
        port: c.port,
        user: c.user,
        sshOpts: target.dockerSshOpts,
        ...(key ? { privateKey: key } : {}),
        sudo: target.sudo,
    }));
}

/**
 * One SSH connection for every `ssh` the workstation starts towards the host (the Docker provider's and each NPM API
 * call): later sessions ride the first one's connection while it lives. `~/.ssh` keeps the socket private; where it
 * does not exist, ssh connects without multiplexing. (@pulumi/command's remote commands use their own SSH client,
 * one connection each.)
 */
export const SSH_MULTIPLEX_OPTS = ["-o", "ControlMaster=auto", "-o", "ControlPath=~/.ssh/monsterr-%C", "-o", "ControlPersist=60"];

export function hostTarget(host: HostConfig, privateKey?: pulumi.Output<string>): HostTarget {
    if (host.kind === "local") {
        return { kind: "local", dockerHost: host.dockerHost, dockerSshOpts: [], sudo: false };
    }
    return {
        kind: "ssh",
        dockerHost: `ssh://${host.user}@${host.address}:${host.port}`,
        // The docker CLI's ssh helper uses the local ssh binary; KnownHostsCommand pins the key without touching ~/.ssh.
        dockerSshOpts: [
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", `KnownHostsCommand=/bin/echo %H ${host.hostKey}`,
            ...SSH_MULTIPLEX_OPTS,
        ],
        connection: { host: host.address, port: host.port, user: host.user, hostKey: host.hostKey, ...(privateKey ? { privateKey } : {}) },
        sudo: host.user !== "root",
    };
}
