import { Plan, reveal } from "../plan";

export interface HostScript {
    name: string;
    /** Exactly what the provider runs on the host (sudo wrapper included). */
    create: string;
    delete?: string;
    /** What the provider writes to the script's stdin (a file's content). */
    stdin?: string;
}

/** The host commands of the plan whose resource name matches, with secrets revealed, in plan order. */
export function hostScripts(p: Plan, name: RegExp): HostScript[] {
    return p.resources
        .filter((r) => (r.type === "command:remote:Command" || r.type === "command:local:Command") && name.test(r.name))
        .map((r) => {
            const inputs = reveal(r.inputs) as { create: string; delete?: string; stdin?: string };
            return { name: r.name, create: inputs.create, ...(inputs.delete !== undefined ? { delete: inputs.delete } : {}), ...(inputs.stdin !== undefined ? { stdin: inputs.stdin } : {}) };
        });
}

/** The script inside hostCommand's `sudo -n sh -c '<script>'` wrapper (unchanged when there is none). */
export function unwrapSudo(command: string): string {
    const m = /^sudo -n sh -c '([\s\S]*)'$/.exec(command);
    return m ? m[1].replace(/'\\''/g, "'") : command;
}
