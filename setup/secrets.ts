import { spawnSync } from "child_process";
import { secretArgs, secretCommand } from "./flow";

export interface SecretOutcome {
    key: string;
    /** Set through the Pulumi CLI, or the command the user still has to run. */
    set: boolean;
    command: string;
}

/** Whether a `pulumi` CLI answers on PATH. */
export function hasPulumiCli(run = spawnSync): boolean {
    const r = run("pulumi", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return r.status === 0;
}

/**
 * Sets each needed secret through `pulumi config set --secret`, which prompts for the value itself without echo (or
 * reads it from a piped stdin): the wizard never holds a secret. Runs in the project folder, after the stack file is
 * written, since the CLI writes the encrypted value into that file.
 */
export function setSecrets(stack: string, keys: string[], cwd: string, run = spawnSync): SecretOutcome[] {
    return keys.map((key) => {
        const command = secretCommand(stack, key);
        const r = run("pulumi", secretArgs(stack, key), { cwd, stdio: "inherit" });
        return { key, set: r.status === 0, command };
    });
}
