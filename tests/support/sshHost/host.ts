import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Built once per machine from Debian packages by build-image.sh; bump the suffix when its package list changes. */
export const IMAGE = "monsterr-test-sshhost:bookworm-1";
const BUILD = path.join(__dirname, "build-image.sh");

export interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(cmd: string, args: string[], input?: string, timeoutMs = 120_000): Run {
    const r = spawnSync(cmd, args, { input, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function must(cmd: string, args: string[], input?: string, timeoutMs?: number): string {
    const r = run(cmd, args, input, timeoutMs);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr || r.stdout}`);
    return r.stdout;
}

/** Fails with the command to run when the Docker daemon is not up (tests never start system services themselves). */
export function requireDocker(): void {
    const r = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(
            "The disposable SSH host needs a running Docker daemon. Start it first, e.g.\n" +
                "  (dockerd >/var/log/dockerd.log 2>&1 &) && timeout 30 sh -c 'until docker info >/dev/null 2>&1; do sleep 1; done'\n" +
                `docker info said: ${r.stderr || r.error}`,
        );
    }
}

/** Builds the image with debootstrap when this machine does not have it yet (about a minute, once). */
export function ensureImage(): void {
    must("sh", [BUILD, IMAGE], undefined, 600_000);
}

/**
 * A Debian container with a host's network capabilities, on its own Docker network: sshd with a fresh host key
 * pinned in a known_hosts file, a `deploy` user with passwordless sudo (like the prod stack's login), ufw, iptables
 * and fail2ban. Its firewall is its own network namespace's, never this machine's.
 */
export class SshHost {
    readonly name: string;
    readonly network: string;
    readonly dir: string;
    readonly ip: string;
    readonly hostKey: string;
    readonly user = "deploy";
    private readonly clientKey: string;
    private readonly knownHosts: string;

    private constructor(name: string, network: string, dir: string, ip: string, hostKey: string) {
        this.name = name;
        this.network = network;
        this.dir = dir;
        this.ip = ip;
        this.hostKey = hostKey;
        this.clientKey = path.join(dir, "client_ed25519");
        this.knownHosts = path.join(dir, "known_hosts");
    }

    static start(label: string): SshHost {
        requireDocker();
        ensureImage();
        const id = `monsterr-test-${label}-${process.pid}`;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
        const keys = path.join(dir, "keys");
        fs.mkdirSync(keys, { mode: 0o755 });
        fs.chmodSync(dir, 0o755);
        must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "monsterr-test-host", "-f", path.join(keys, "host_ed25519")]);
        must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "monsterr-test-client", "-f", path.join(dir, "client_ed25519")]);
        fs.copyFileSync(path.join(dir, "client_ed25519.pub"), path.join(keys, "authorized_keys"));
        fs.chmodSync(path.join(keys, "authorized_keys"), 0o644);
        must("docker", ["network", "create", "--label", "monsterr-test=1", id]);
        must("docker", [
            "run", "-d", "--name", id, "--hostname", "media", "--label", "monsterr-test=1", "--network", id,
            // What a firewall and network namespaces need (--privileged is refused in some sandboxes).
            "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW", "--cap-add", "SYS_ADMIN",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "-v", `${keys}:/keys:ro`, IMAGE,
            "/usr/sbin/sshd", "-D", "-e", "-o", "HostKey=/keys/host_ed25519", "-o", "AuthorizedKeysFile=/keys/authorized_keys", "-o", "PasswordAuthentication=no",
        ]);
        // A real host's /proc/sys is writable: ufw applies its sysctl.conf, Docker enables forwarding.
        must("docker", ["exec", id, "mount", "-o", "remount,rw", "/proc/sys"]);
        const ip = must("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id]).trim();
        const hostKey = fs.readFileSync(path.join(keys, "host_ed25519.pub"), "utf8").split(" ").slice(0, 2).join(" ");
        fs.writeFileSync(path.join(dir, "known_hosts"), `${ip} ${hostKey}\n`);
        const host = new SshHost(id, id, dir, ip, hostKey);
        host.waitForSsh();
        return host;
    }

    private waitForSsh(): void {
        const deadline = Date.now() + 20_000;
        for (;;) {
            const r = this.ssh("true");
            if (r.code === 0) return;
            if (Date.now() > deadline) throw new Error(`sshd in ${this.name} did not answer: ${r.stderr}`);
            spawnSync("sleep", ["0.3"]);
        }
    }

    /** Runs a command line on the host over ssh as @pulumi/command's remote.Command does: the string is the session's command. */
    ssh(command: string, timeoutMs = 120_000, input?: string): Run {
        return run(
            "ssh",
            [
                "-i", this.clientKey,
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", `UserKnownHostsFile=${this.knownHosts}`,
                "-o", "ConnectTimeout=5",
                // One TCP connection for every command: the host's own `ufw limit` rejects a 6th new one within 30 s.
                "-o", "ControlMaster=auto",
                "-o", `ControlPath=${path.join(this.dir, "cm")}`,
                "-o", "ControlPersist=120",
                `${this.user}@${this.ip}`,
                command,
            ],
            input,
            timeoutMs,
        );
    }

    /** The client's private key (OpenSSH format), for code under test that takes a key as a value. */
    clientPrivateKey(): string {
        return fs.readFileSync(this.clientKey, "utf8");
    }

    /** How many SSH sessions sshd has authenticated so far (one per TCP connection, from its log). */
    acceptedConnections(): number {
        const r = run("docker", ["logs", this.name]);
        return `${r.stdout}${r.stderr}`.split("\n").filter((l) => /Accepted publickey for /.test(l)).length;
    }

    /** Like ssh() but throws on a non-zero exit. */
    sshOk(command: string): string {
        const r = this.ssh(command);
        if (r.code !== 0) throw new Error(`on ${this.name}: ${command.slice(0, 200)}\nexited ${r.code}: ${r.stderr}${r.stdout}`);
        return r.stdout;
    }

    /** Root shell inside the host for test scaffolding (what Docker would have set up), not for the code under test. */
    exec(script: string): string {
        return must("docker", ["exec", "-i", this.name, "sh", "-eu"], script);
    }

    /** A second container on the same network: a client on "the internet" side of the host. */
    startClient(): string {
        const id = `${this.name}-client`;
        must("docker", ["run", "-d", "--name", id, "--label", "monsterr-test=1", "--cap-add", "NET_ADMIN", "--network", this.network, IMAGE, "sleep", "600"]);
        return id;
    }

    stop(): void {
        spawnSync("ssh", ["-o", `ControlPath=${path.join(this.dir, "cm")}`, "-O", "exit", `${this.user}@${this.ip}`], { encoding: "utf8" });
        spawnSync("docker", ["rm", "-f", this.name, `${this.name}-client`], { encoding: "utf8" });
        spawnSync("docker", ["network", "rm", this.network], { encoding: "utf8" });
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Runs a shell script in a container started by the tests (the client). */
export function execIn(container: string, script: string): Run {
    return run("docker", ["exec", "-i", container, "sh", "-eu"], script);
}

/** A host's filter table without counters and comments: what must be identical between two applies. */
export function filterTable(h: SshHost): string {
    return h
        .sshOk("sudo -n iptables-save -t filter")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.replace(/\[\d+:\d+\]$/, "[0:0]"))
        .join("\n");
}

/** The rules of one chain in such a table, as `-A <chain> ...` lines. */
export const chain = (table: string, name: string): string[] => table.split("\n").filter((l) => l.startsWith(`-A ${name} `));
