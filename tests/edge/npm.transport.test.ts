import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NpmAccess } from "../../components/edge/npmApi";
import { proxyHostProvider } from "../../components/edge/npmProvider";
import { apiSend, execArgv } from "../../components/transport";
import { AppAccess, appJson } from "../../components/wiring/appClient";
import { FakeArr } from "../support/fakeArr";
import { plan, reveal } from "../support/plan";
import { FakeNpm, startFakeNpm } from "../support/fakeNpm";

/**
 * The exec transports run the in-container client (`docker exec ... node -e`) for real: stand-in `docker` and
 * `ssh` commands on PATH record their argv and run the client with the fake API's port in place of 81; `ssh`
 * hands its remote command to `sh -c`, as sshd would, so the quoting is exercised too.
 */
describe("NPM API transports: docker exec and ssh + docker exec", () => {
    let npm: FakeNpm;
    let bin: string;
    const savedPath = process.env.PATH;
    beforeAll(async () => {
        npm = await startFakeNpm();
        bin = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-fakebin-"));
        const port = new URL(npm.url).port;
        fs.writeFileSync(
            path.join(bin, "docker"),
            ["#!/bin/sh", `printf '%s\\n' "docker $*" >> "${bin}/argv.log"`, 'while [ $# -gt 0 ]; do if [ "$1" = "-e" ]; then shift; s="$1"; break; fi; shift; done', `exec node -e "$(printf '%s' "$s" | sed 's/port:81}/port:${port}}/')"`].join("\n"),
            { mode: 0o755 },
        );
        fs.writeFileSync(
            path.join(bin, "ssh"),
            ["#!/bin/sh", `printf '%s\\n' "ssh $*" >> "${bin}/argv.log"`, 'for a; do last="$a"; done', 'exec sh -c "$last"'].join("\n"),
            { mode: 0o755 },
        );
        process.env.PATH = `${bin}:${savedPath}`;
    });
    afterAll(async () => {
        process.env.PATH = savedPath;
        fs.rmSync(bin, { recursive: true, force: true });
        await npm.close();
        expect(npm.rejected).toEqual([]);
    });

    const spec = (name: string) => ({
        domainNames: [`${name}.media.example.com`], forwardScheme: "http" as const, forwardHost: name, forwardPort: 80, certificateId: "0",
        sslForced: false, hstsEnabled: false, hstsSubdomains: false, http2Support: false, blockExploits: true, cachingEnabled: false,
        allowWebsocketUpgrade: true, advancedConfig: "",
    });

    it.each([
        ["docker", { kind: "docker", dockerHost: "unix:///var/run/docker.sock", container: "nginx-proxy-manager" }],
        ["ssh", { kind: "ssh", host: "media.example.com", port: 2222, user: "deploy", sshOpts: ["-o", "StrictHostKeyChecking=yes"], privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", container: "nginx-proxy-manager" }],
    ] as const)("creates a proxy host through %s, with no credential in any argv", async (name, connection) => {
        const access: NpmAccess = { connection: connection.kind === "ssh" ? { ...connection, sshOpts: [...connection.sshOpts] } : { ...connection }, email: npm.email, password: npm.password };
        const created = await proxyHostProvider.create({ ...spec(name), access });
        expect(npm.hosts.get(Number(created.id))).toMatchObject({ forward_host: name });
        const argv = fs.readFileSync(path.join(bin, "argv.log"), "utf8");
        expect(argv).toContain(name === "ssh" ? "ssh -o StrictHostKeyChecking=yes -p 2222 -i " : "docker -H unix:///var/run/docker.sock exec -i nginx-proxy-manager node -e");
        expect(argv).not.toContain(npm.password);
        expect(argv).not.toContain("Bearer");
        expect(argv).not.toContain("abc");
    });

    it("reaches an app's API by the host and port the request names, with its key only on stdin", async () => {
        const sonarr = new FakeArr("sonarr", "sonarr-key-0123456789abcdef01234");
        await sonarr.listen();
        try {
            const conn = { kind: "docker" as const, dockerHost: "unix:///var/run/docker.sock", container: "nginx-proxy-manager" };
            const access: AppAccess = { connection: conn, app: "sonarr", target: { host: "127.0.0.1", port: Number(new URL(sonarr.url).port) }, headers: { "X-Api-Key": sonarr.apiKey } };
            expect(await appJson(access, "GET", "/api/v3/downloadclient")).toEqual([]);
            expect(sonarr.calls).toEqual([{ method: "GET", path: "/api/v3/downloadclient" }]);
            expect(fs.readFileSync(path.join(bin, "argv.log"), "utf8")).not.toContain(sonarr.apiKey);
            // Nothing listening there: the client exits 3, which the wiring treats as "still starting".
            await expect(apiSend(conn, { method: "GET", path: "/", headers: {}, target: { host: "127.0.0.1", port: 9 } })).rejects.toMatchObject({ apiUnreachable: true });
        } finally {
            await sonarr.close();
        }
    });

    it("removes the temporary private key file after each request", () => {
        const keyArg = fs.readFileSync(path.join(bin, "argv.log"), "utf8").match(/^ssh .* -i (\/\S+)/m)?.[1];
        expect(keyArg).toBeDefined();
        expect(fs.existsSync(keyArg!)).toBe(false);
    });

    it("reaches the prod host with the pinned host key and the dev stack through the local socket", async () => {
        const prod = await plan("prod");
        const dev = await plan("dev");
        const accessOf = (p: typeof prod) => reveal(p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost")[0].inputs.access) as NpmAccess;
        const prodConn = accessOf(prod).connection;
        expect(prodConn).toMatchObject({ kind: "ssh", host: "media.example.com", user: "deploy", container: "nginx-proxy-manager" });
        const argv = execArgv(prodConn as Exclude<NpmAccess["connection"], { kind: "http" }>);
        expect(argv).toEqual(expect.arrayContaining(["StrictHostKeyChecking=yes", "UserKnownHostsFile=/dev/null", expect.stringMatching(/^KnownHostsCommand=\/bin\/echo %H ssh-ed25519 AAAA/)]));
        expect(accessOf(dev).connection).toEqual({ kind: "docker", dockerHost: "unix:///var/run/docker.sock", container: "nginx-proxy-manager" });
        expect(accessOf(prod).email).toBe("admin@example.com");
    });
});
