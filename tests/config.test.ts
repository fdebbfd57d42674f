import { ConfigError, ConfigIssue } from "../config/errors";
import { validateConfig } from "../config/validate";
import { issuesOf, minimal } from "./support/config";
import { plan } from "./support/plan";

describe("config validation", () => {
    it("fills every default from two required keys", () => {
        const c = validateConfig(minimal);
        expect(c).toMatchObject({
            timezone: "Etc/UTC",
            puid: 1000,
            pgid: 1000,
            umask: "002",
            adminUser: "admin",
            host: { kind: "local", dockerHost: "unix:///var/run/docker.sock" },
            storage: { configRoot: "/opt/monsterr", dataRoot: "/data" },
            torrentPort: 6881,
            tls: { mode: "letsencrypt", challenge: "http" },
            monitoring: { retentionTime: "30d", retentionSize: "10GB" },
        });
        expect(c.services.sonarr).toEqual({ enabled: true, image: { repository: "lscr.io/linuxserver/sonarr", tag: expect.any(String) }, memoryMb: 1024, host: "edge" });
        expect(c.hosts).toEqual({});
    });

    it("defaults a local domain to the self-signed CA and refuses Let's Encrypt for it", () => {
        expect(validateConfig({ ...minimal, domain: "media.localhost" }).tls).toEqual({ mode: "selfsigned" });
        expect(issuesOf({ ...minimal, domain: "media.localhost", tls: { mode: "letsencrypt" } })[0].key).toBe("monsterr:tls.mode");
    });

    it("parses numbers, booleans and objects the way the CLI stores them (strings and JSON)", () => {
        const c = validateConfig({ ...minimal, puid: "1001", torrentPort: "51413", services: JSON.stringify({ plex: { enabled: "false", memoryMb: "512", cpus: "1.50" }, tautulli: { enabled: false } }) });
        expect(c.puid).toBe(1001);
        expect(c.torrentPort).toBe(51413);
        expect(c.services.plex).toMatchObject({ enabled: false, memoryMb: 512, cpus: "1.5" });
    });

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["missing domain", { adminEmail: "me@example.com" }, "monsterr:domain", /pulumi config set monsterr:domain/],
        ["upper-case domain", { ...minimal, domain: "Media.Example.com" }, "monsterr:domain", /media.example.com/],
        ["single-label domain", { ...minimal, domain: "media" }, "monsterr:domain", /two labels|media.example.com/],
        ["bad email", { ...minimal, adminEmail: "nope" }, "monsterr:adminEmail", /you@example.com/],
        ["bad timezone", { ...minimal, timezone: "Mars/Olympus" }, "monsterr:timezone", /Europe\/Berlin/],
        ["root puid", { ...minimal, puid: 0 }, "monsterr:puid", /never 0/],
        ["fractional pgid", { ...minimal, pgid: "10.5" }, "monsterr:pgid", /id -g/],
        ["bad umask", { ...minimal, umask: "999" }, "monsterr:umask", /002/],
        ["unknown key", { ...minimal, domian: "x.example.com" }, "monsterr:domian", /pulumi config rm/],
        ["ssh host without host key", { ...minimal, host: { type: "ssh", address: "media.example.com" } }, "monsterr:host.hostKey", /ssh-keyscan/],
        ["ssh host with a forged host key", { ...minimal, host: { type: "ssh", address: "h.example.com", hostKey: "ssh-ed25519 AAAAB3NzaC1yc2E" } }, "monsterr:host.hostKey", /ssh-keyscan/],
        ["unknown host type", { ...minimal, host: { type: "winrm" } }, "monsterr:host.type", /local.*ssh/],
        ["relative storage path", { ...minimal, storage: { dataRoot: "data" } }, "monsterr:storage.dataRoot", /absolute path/],
        ["path traversal", { ...minimal, storage: { configRoot: "/opt/../etc" } }, "monsterr:storage.configRoot", /absolute path/],
        ["nested storage roots", { ...minimal, storage: { configRoot: "/data/config", dataRoot: "/data" } }, "monsterr:storage", /separate trees/],
        ["privileged torrent port", { ...minimal, torrentPort: 443 }, "monsterr:torrentPort", /1024 to 65535/],
        ["latest tag", { ...minimal, services: { sonarr: { tag: "latest" } } }, "monsterr:services.sonarr.tag", /pin a version/],
        ["unknown service", { ...minimal, services: { jellyfin: {} } }, "monsterr:services.jellyfin", /one of: /],
        ["tiny memory", { ...minimal, services: { plex: { memoryMb: 8 } } }, "monsterr:services.plex.memoryMb", /64 to 262144/],
        ["non-boolean enabled", { ...minimal, services: { plex: { enabled: "yes" } } }, "monsterr:services.plex.enabled", /false/],
        ["dependency disabled", { ...minimal, services: { prowlarr: { enabled: false } } }, "monsterr:services.prowlarr.enabled", /enable prowlarr, or disable/],
        ["dns challenge without credentials", { ...minimal, tls: { mode: "letsencrypt", challenge: "dns", dnsProvider: "cloudflare" } }, "monsterr:dnsCredentials", /--secret/],
        ["public subnet", { ...minimal, networks: { proxySubnet: "8.8.8.0/24" } }, "monsterr:networks.proxySubnet", /private range/],
        ["subnet with host bits", { ...minimal, networks: { backendSubnet: "10.1.2.3/24" } }, "monsterr:networks.backendSubnet", /private range/],
        ["overlapping subnets", { ...minimal, networks: { proxySubnet: "10.20.0.0/16", backendSubnet: "10.20.5.0/24" } }, "monsterr:networks", /separate ranges/],
        ["bad retention", { ...minimal, monitoring: { retentionTime: "forever" } }, "monsterr:monitoring.retentionTime", /30d/],
        ["update check every minute", { ...minimal, monitoring: { updateCheck: "* * * * *" } }, "monsterr:monitoring.updateCheck", /17 \*\/6 \* \* \*.*at most hourly/],
        ["update check twice an hour", { ...minimal, monitoring: { updateCheck: "0,30 * * * *" } }, "monsterr:monitoring.updateCheck", /at most hourly/],
        ["update check not cron", { ...minimal, monitoring: { updateCheck: "@daily; rm -rf /" } }, "monsterr:monitoring.updateCheck", /every 6 hours/],
        ["updates never overdue", { ...minimal, monitoring: { updatesOverdueDays: 0 } }, "monsterr:monitoring.updatesOverdueDays", /1 to 365/],
        ["held tag zero-padded", { ...minimal, services: { grafana: { tag: "12.04.5" } } }, "monsterr:services.grafana.tag", /shaped like 12\.4\.5/],
        ["held tag with six numbers", { ...minimal, services: { grafana: { tag: "1.2.3.4.5.6" } } }, "monsterr:services.grafana.tag", /shaped like/],
        ["held tag no versioning reads", { ...minimal, services: { radarr: { tag: "nightly" } } }, "monsterr:services.radarr.tag", /shaped like 6\.2\.1\.10461-ls308/],
        ["proxy subnet too small for the edge networks", { ...minimal, networks: { proxySubnet: "172.30.10.0/25" } }, "monsterr:networks.proxySubnet", /172.30.10.0\/24/],
        ["bad sshd port", { ...minimal, host: { type: "ssh", address: "h.example.com", sshdPort: 70000, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } }, "monsterr:host.sshdPort", /sshd -T/],
        ["sshd on a port the stack publishes", { ...minimal, host: { type: "ssh", address: "h.example.com", sshdPort: 443, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } }, "monsterr:host.sshdPort", /another port/],
        ["trusting the whole internet", { ...minimal, trustedProxies: ["0.0.0.0/0"] }, "monsterr:trustedProxies[0]", /never 0.0.0.0\/0/],
        ["trusted proxy that is no range", { ...minimal, trustedProxies: ["cloudflare"] }, "monsterr:trustedProxies[0]", /exact ranges/],
        ["trusted proxies not a list", { ...minimal, trustedProxies: "173.245.48.0/20" }, "monsterr:trustedProxies", /trustedProxies\[0\]/],
    ];
    it.each(cases)("%s: names the key and the fix", (_, raw, key, fix) => {
        const issues = issuesOf(raw);
        const issue = issues.find((i) => i.key === key);
        expect(issue).toBeDefined();
        expect(issue!.fix).toMatch(fix);
    });

    it("keeps sshd's port apart from the port Pulumi connects to, defaulting to it", () => {
        const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
        expect(validateConfig({ ...minimal, host: { type: "ssh", address: "h.example.com", port: 2222, hostKey } }).host).toMatchObject({ port: 2222, sshdPort: 2222 });
        expect(validateConfig({ ...minimal, host: { type: "ssh", address: "h.example.com", port: 2222, sshdPort: 22, hostKey } }).host).toMatchObject({ port: 2222, sshdPort: 22 });
    });

    it("trusts no forwarded client address unless told, then exactly the named ranges (IPv4 and IPv6)", () => {
        expect(validateConfig(minimal).trustedProxies).toEqual([]);
        expect(validateConfig({ ...minimal, trustedProxies: JSON.stringify(["173.245.48.0/20", "2400:cb00::/32"]) }).trustedProxies).toEqual(["173.245.48.0/20", "2400:cb00::/32"]);
    });

    it("reports every problem at once", () => {
        const issues = issuesOf({ domain: "x", adminEmail: "y", puid: -1, torrentPort: 80 });
        expect(issues.map((i) => i.key).sort()).toEqual(["monsterr:adminEmail", "monsterr:domain", "monsterr:puid", "monsterr:torrentPort"]);
    });

    it("refuses a secret key stored in plain text", () => {
        const issues = issuesOf({ ...minimal, host: { type: "ssh", address: "h.example.com", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" } }, { sshPrivateKey: false });
        expect(issues[0]).toMatchObject({ key: "monsterr:sshPrivateKey", fix: expect.stringMatching(/--secret/) });
    });

    it("refuses a chosen admin password under 12 characters without showing it", () => {
        expect(() => validateConfig(minimal, { adminPassword: true }, { adminPassword: "twelve-chars" })).not.toThrow();
        let issues: ConfigIssue[] = [];
        try {
            validateConfig(minimal, { adminPassword: true }, { adminPassword: "eleven-char" });
        } catch (e) {
            issues = [...(e as ConfigError).issues];
        }
        expect(issues).toEqual([{ key: "monsterr:adminPassword", problem: "has 11 characters, fewer than 12", fix: expect.stringMatching(/--secret monsterr:adminPassword/) }]);
        expect(JSON.stringify(issues)).not.toContain("eleven-char");
    });
});

describe("household accounts (monsterr:users)", () => {
    const alice = { email: "alice@example.com", displayName: "Alice" };

    it("defaults to no one; a user without groups is in users, display name their name", () => {
        expect(validateConfig(minimal).users).toEqual([]);
        expect(validateConfig({ ...minimal, users: JSON.stringify({ alice, bob: { email: "bob@example.com", groups: ["admins", "users"] } }) }).users).toEqual([
            { name: "alice", email: "alice@example.com", displayName: "Alice", groups: ["users"], ownPassword: false },
            { name: "bob", email: "bob@example.com", displayName: "bob", groups: ["users", "admins"], ownPassword: false },
        ]);
        expect(validateConfig({ ...minimal, users: { alice } }, { userPasswords: true }, { userPasswords: { alice: "a long enough one" } }).users[0].ownPassword).toBe(true);
    });

    it.each([
        ["a bad name", { "Alice Smith": alice }, "monsterr:users.Alice Smith"],
        ["the admin's name", { admin: alice }, "monsterr:users.admin"],
        ["no e-mail", { alice: { displayName: "Alice" } }, "monsterr:users.alice.email"],
        ["a bad e-mail", { alice: { email: "alice" } }, "monsterr:users.alice.email"],
        ["an unknown group", { alice: { ...alice, groups: ["root"] } }, "monsterr:users.alice.groups"],
        ["no group at all", { alice: { ...alice, groups: [] } }, "monsterr:users.alice.groups"],
        ["a control character in the display name", { alice: { ...alice, displayName: "A\nlice" } }, "monsterr:users.alice.displayName"],
        ["an unknown field", { alice: { ...alice, password: "x" } }, "monsterr:users.alice.password"],
        ["one address for two people", { alice, bob: { email: "ALICE@example.com" } }, "monsterr:users.bob.email"],
    ])("refuses %s, naming the key", (_what, users, key) => {
        expect(issuesOf({ ...minimal, users }).map((i) => i.key)).toEqual([key]);
    });

    it("refuses passwords that are short, for nobody, or in plain text, never showing them", () => {
        const check = (pw: unknown, secret = true) => {
            try {
                validateConfig({ ...minimal, users: { alice } }, { userPasswords: secret }, { userPasswords: pw });
                return [];
            } catch (e) {
                return [...(e as ConfigError).issues];
            }
        };
        expect(check({ alice: "short-one" })).toEqual([{ key: "monsterr:userPasswords.alice", problem: "has 9 characters, fewer than 12", fix: expect.any(String) }]);
        expect(check({ mallory: "a long enough one" }).map((i) => i.key)).toEqual(["monsterr:userPasswords.mallory"]);
        expect(check({ alice: "a long enough one" }, false).map((i) => i.key)).toEqual(["monsterr:userPasswords"]);
        expect(check("not-an-object").map((i) => i.key)).toEqual(["monsterr:userPasswords"]);
        expect(JSON.stringify([check({ alice: "short-one" }), check({ mallory: "a long enough one" })])).not.toMatch(/short-one|a long enough one/);
    });
});

describe("backups (monsterr:backup)", () => {
    const ssh = { type: "ssh", address: "box.lan", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0" };

    it("is on for an SSH host and off for the local dev machine, daily at 03:30, 7/4/6, a local repository", () => {
        expect(validateConfig({ ...minimal, host: ssh }).backup).toEqual({ enabled: true, repository: { kind: "local", path: "/var/backups/monsterr" }, time: "03:30", keepDaily: 7, keepWeekly: 4, keepMonthly: 6 });
        expect(validateConfig(minimal).backup.enabled).toBe(false);
        expect(validateConfig({ ...minimal, backup: { repository: "sftp:backup@nas.lan:/srv/restic" } }).backup.repository).toEqual({ kind: "sftp", user: "backup", host: "nas.lan", path: "/srv/restic" });
        expect(validateConfig({ ...minimal, backup: { repository: "s3:https://s3.example.com/bucket/media" } }, { backupS3AccessKeyId: true, backupS3SecretAccessKey: true }).backup.repository).toEqual({ kind: "s3", endpoint: "https://s3.example.com", bucket: "bucket", prefix: "media" });
    });

    it.each([
        ["a relative path", { repository: "backups" }, ["monsterr:backup.repository"]],
        ["a repository inside the data tree", { repository: "/data/backups" }, ["monsterr:backup.repository"]],
        ["an http S3 endpoint", { repository: "s3:http://s3.example.com/bucket" }, ["monsterr:backup.repository"]],
        ["an S3 repository without credentials", { enabled: true, repository: "s3:https://s3.example.com/bucket" }, ["monsterr:backupS3AccessKeyId", "monsterr:backupS3SecretAccessKey"]],
        ["a time of day that is none", { time: "3:30am" }, ["monsterr:backup.time"]],
        ["a negative retention", { keepDaily: -1 }, ["monsterr:backup.keepDaily"]],
        ["keeping nothing", { keepDaily: 0, keepWeekly: 0, keepMonthly: 0 }, ["monsterr:backup"]],
        ["an unknown field", { schedule: "daily" }, ["monsterr:backup.schedule"]],
    ])("refuses %s, naming the key", (_what, backup, keys) => {
        expect(issuesOf({ ...minimal, backup }).map((i) => i.key)).toEqual(keys);
    });
});

describe("a bad stack fails before any resource exists", () => {
    it("rejects the program with a ConfigError and registers nothing but the stack", async () => {
        const err = await plan("prod", { torrentPort: "80", domain: "bad_domain" }).then(
            () => undefined,
            (e: unknown) => e as ConfigError & { plannedResources: { type: string }[] },
        );
        expect(err).toBeInstanceOf(ConfigError);
        expect(err!.issues.map((i) => i.key)).toEqual(["monsterr:domain", "monsterr:torrentPort"]);
        expect(err!.plannedResources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    it("a short admin password stops the program before any resource, naming the key", async () => {
        const err = await plan("prod", {}, { adminPassword: "too-short" }).then(
            () => undefined,
            (e: unknown) => e as ConfigError & { plannedResources: { type: string }[] },
        );
        expect(err).toBeInstanceOf(ConfigError);
        expect(err!.issues.map((i) => i.key)).toEqual(["monsterr:adminPassword"]);
        expect(err!.plannedResources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    });
});
