import { spawnSync } from "child_process";
import { CertificateSpec, NpmAccess, ProxyHostSpec } from "../../components/edge/npmApi";
import { certificateProvider, proxyHostProvider } from "../../components/edge/npmProvider";
import { apiSend } from "../../components/transport";
import { SSH_MULTIPLEX_OPTS, hostTarget } from "../../components/hostTarget";
import { startFakeNpm } from "../support/fakeNpm";
import { plan, reveal } from "../support/plan";
import { SshHost } from "../support/sshHost/host";

/**
 * How many SSH connections one `pulumi up` of the prod plan opens, measured where it can be: the requests a first
 * `up` sends to NPM's API (the providers against the fake API), the command resources of the plan (one connection
 * each: @pulumi/command has its own SSH client), and real ssh sessions to a real sshd, counted in its log.
 */
jest.setTimeout(240_000);

let host: SshHost;
beforeAll(() => {
    host = SshHost.start("ssh-count");
    // The host's `docker exec` into NPM, answering every API request with an empty 200.
    host.exec(`printf '%s\\n' '#!/bin/sh' 'cat >/dev/null' 'printf "%s" "{\\"status\\":200,\\"body\\":\\"{}\\"}"' >/usr/local/bin/docker && chmod 755 /usr/local/bin/docker`);
});
afterAll(() => host?.stop());

/** The requests a first `pulumi up` of the prod plan sends to NPM: every certificate and proxy host created. */
async function npmRequestsOfFirstUp(): Promise<number> {
    const p = await plan("prod");
    const npm = await startFakeNpm();
    try {
        const access: NpmAccess = { connection: { kind: "http", url: npm.url }, email: npm.email, password: npm.password };
        for (const r of p.byType("pulumi-nodejs:dynamic/monsterr:NpmCertificate")) await certificateProvider.create({ access, spec: reveal(r.inputs.spec) as CertificateSpec });
        for (const r of p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost")) {
            const spec = reveal(r.inputs) as ProxyHostSpec;
            await proxyHostProvider.create({ ...spec, forwardHost: typeof spec.forwardHost === "string" ? spec.forwardHost : "172.30.10.1", certificateId: "1", access });
        }
        return npm.requests.length;
    } finally {
        await npm.close();
    }
}

/** Sends `n` NPM API requests over ssh + docker exec with the given ssh options; the connections sshd accepted. */
async function connectionsFor(n: number, sshOpts: string[]): Promise<number> {
    const before = host.acceptedConnections();
    const base = hostTarget({ kind: "ssh", address: host.ip, port: 22, sshdPort: 22, user: host.user, hostKey: host.hostKey });
    const access = { kind: "ssh" as const, host: host.ip, port: 22, user: host.user, sshOpts, privateKey: host.clientPrivateKey(), container: "nginx-proxy-manager" };
    for (let i = 0; i < n; i++) {
        const res = await apiSend(access, { method: "GET", path: "/api/", headers: {} });
        expect(res.status).toBe(200);
    }
    expect(base.dockerSshOpts).toEqual(expect.arrayContaining(SSH_MULTIPLEX_OPTS));
    return host.acceptedConnections() - before;
}

describe("SSH connections of one `pulumi up`", () => {
    it("opens one connection for every NPM API request of a first up, instead of one each", async () => {
        const requests = await npmRequestsOfFirstUp();
        const prod = await plan("prod");
        const commands = prod.byType("command:remote:Command").length;
        const pinned = hostTarget({ kind: "ssh", address: host.ip, port: 22, sshdPort: 22, user: host.user, hostKey: host.hostKey }).dockerSshOpts;
        const at = pinned.indexOf(SSH_MULTIPLEX_OPTS[1]) - 1;
        const withoutMux = [...pinned.slice(0, at), ...pinned.slice(at + SSH_MULTIPLEX_OPTS.length)];
        expect(withoutMux.length).toBe(pinned.length - SSH_MULTIPLEX_OPTS.length);
        const before = await connectionsFor(requests, withoutMux);
        const after = await connectionsFor(requests, pinned);
        spawnSync("ssh", ["-o", "ControlPath=~/.ssh/monsterr-%C", "-O", "exit", `${host.user}@${host.ip}`], { encoding: "utf8" });
        console.log(
            `prod plan, first up: ${requests} NPM API requests, ${commands} command resources (one connection each)\n` +
                `  NPM over ssh without multiplexing: ${before} connections; with it: ${after}\n` +
                `  total SSH connections from Pulumi's side: before ${before + commands}, after ${after + commands} (plus the Docker provider's, multiplexed onto the same one)`,
        );
        expect(before).toBe(requests);
        expect(after).toBe(1);
        expect(requests).toBeGreaterThan(40);
    });
});
