import { spawnSync } from "child_process";
import { SshHost } from "./host";

function docker(...args: string[]): string {
    const r = spawnSync("docker", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
}

/** A private network joining disposable hosts besides their own (a LAN, WireGuard or Tailscale link between them). */
export class PrivateLink {
    private constructor(readonly name: string) {}

    static join(label: string, hosts: SshHost[]): PrivateLink {
        const link = new PrivateLink(`monsterr-test-${label}-link-${process.pid}`);
        docker("network", "create", "--label", "monsterr-test=1", link.name);
        for (const h of hosts) docker("network", "connect", link.name, h.name);
        return link;
    }

    /** A container's address on the link. */
    addressOf(container: string): string {
        return docker("inspect", "-f", `{{(index .NetworkSettings.Networks "${this.name}").IPAddress}}`, container);
    }

    remove(): void {
        spawnSync("docker", ["network", "rm", this.name]);
    }
}
