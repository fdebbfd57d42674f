import { execFileSync, spawnSync } from "child_process";

/** Real validators come from Debian packages that .ci/run installs; a missing one is a setup error, not a skip. */
export function requireBinary(name: string, debianPackage: string): string {
    try {
        return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
        throw new Error(`${name} is not installed: apt-get install ${debianPackage} (bash .ci/run does this)`);
    }
}

/** A free TCP port on 127.0.0.1 (asked from the kernel). */
export async function freePort(): Promise<number> {
    const net = await import("net");
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as { port: number }).port;
            srv.close(() => resolve(port));
        });
        srv.on("error", reject);
    });
}

/** Runs a program to completion: its exit code, and stdout and stderr together (validators report on either). */
export function runProgram(cmd: string, args: string[], opts: { cwd?: string } = {}): { code: number; out: string; stdout: string } {
    const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: "utf8", timeout: 60_000 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
