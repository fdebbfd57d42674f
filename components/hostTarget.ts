import { HostConfig } from "../config/types";
import * as pulumi from "@pulumi/pulumi";

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
