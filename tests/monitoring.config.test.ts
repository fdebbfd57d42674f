import { validateConfig } from "../config/validate";
import { issuesOf, minimal } from "./support/config";
import { plan } from "./support/plan";

describe("alerting config", () => {
    it("defaults to no receivers and Alertmanager's usual timings", () => {
        expect(validateConfig(minimal).alerting).toEqual({ groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" });
    });

    it("accepts every receiver with its secrets, parsing JSON as the CLI stores it", () => {
        const alerting = JSON.stringify({
            email: { to: "me@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts@example.com", minSeverity: "critical" },
            webhook: { url: "https://hooks.example.com/am" },
            ntfy: { url: "https://ntfy.sh/monsterr" },
            discord: {},
            heartbeatUrl: "https://hc-ping.com/abc",
            repeatInterval: "12h",
        });
        const c = validateConfig({ ...minimal, alerting }, { alertingSmtpPassword: true, alertingNtfyToken: true, alertingDiscordUrl: true });
        expect(c.alerting).toEqual({
            email: { to: ["me@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587", username: "alerts@example.com", requireTls: true, minSeverity: "critical" },
            webhook: { url: "https://hooks.example.com/am", token: false, minSeverity: "warning" },
            ntfy: { url: "https://ntfy.sh/monsterr", token: true, minSeverity: "warning" },
            discord: { minSeverity: "warning" },
            heartbeatUrl: "https://hc-ping.com/abc",
            groupWait: "30s",
            groupInterval: "5m",
            repeatInterval: "12h",
        });
    });

    const email = { to: "me@example.com", from: "alerts@example.com", smarthost: "smtp.example.com:587" };
    const cases: [string, Record<string, unknown>, Record<string, boolean>, string, RegExp][] = [
        ["not an object", { alerting: "yes" }, {}, "monsterr:alerting", /alerting.email.to/],
        ["unknown field", { alerting: { slack: {} } }, {}, "monsterr:alerting.slack", /known fields/],
        ["SMTP login without password", { alerting: { email: { ...email, username: "u" } } }, {}, "monsterr:alertingSmtpPassword", /--secret/],
        ["SMTP password without login", { alerting: { email } }, { alertingSmtpPassword: true }, "monsterr:alerting.email.username", /SMTP login/],
        ["bad recipient", { alerting: { email: { ...email, to: ["me@example.com", "nope"] } } }, {}, "monsterr:alerting.email.to", /you@example.com/],
        ["smarthost without port", { alerting: { email: { ...email, smarthost: "smtp.example.com" } } }, {}, "monsterr:alerting.email.smarthost", /:587/],
        ["credentials in a webhook URL", { alerting: { webhook: { url: "https://user:pw@hooks.example.com/x" } } }, {}, "monsterr:alerting.webhook.url", /token in the secret/],
        ["ntfy URL with a query", { alerting: { ntfy: { url: "https://ntfy.sh/topic?x=1" } } }, {}, "monsterr:alerting.ntfy.url", /template itself/],
        ["Discord without its URL", { alerting: { discord: {} } }, {}, "monsterr:alertingDiscordUrl", /webhooks/],
        ["secret without its receiver", {}, { alertingNtfyToken: true }, "monsterr:alertingNtfyToken", /pulumi config rm/],
        ["secret in plain text", { alerting: { discord: {} } }, { alertingDiscordUrl: false }, "monsterr:alertingDiscordUrl", /--secret/],
        ["unknown severity", { alerting: { ntfy: { url: "https://ntfy.sh/t", minSeverity: "page" } } }, {}, "monsterr:alerting.ntfy.minSeverity", /critical/],
        ["bad duration", { alerting: { repeatInterval: "daily" } }, {}, "monsterr:alerting.repeatInterval", /4h/],
    ];
    it.each(cases)("%s: names the key and the fix", (_, raw, secrets, key, fix) => {
        const issue = issuesOf({ ...minimal, ...raw }, secrets).find((i) => i.key === key);
        expect(issue).toBeDefined();
        expect(issue!.fix).toMatch(fix);
    });
});

describe("companion services", () => {
    it("an exporter follows its app: disabling lidarr drops exportarr-lidarr without an error", () => {
        const c = validateConfig({ ...minimal, services: { lidarr: { enabled: false } } });
        expect(c.services["exportarr-lidarr"].enabled).toBe(false);
        expect(c.services["exportarr-sonarr"].enabled).toBe(true);
    });

    it("disabling Prometheus drops Alertmanager and every exporter", () => {
        const c = validateConfig({ ...minimal, services: { prometheus: { enabled: false } } });
        for (const s of ["alertmanager", "node-exporter", "cadvisor", "blackbox-exporter", "exportarr-sonarr", "qbittorrent-exporter"] as const) expect(c.services[s].enabled).toBe(false);
    });

    it("explicitly enabling an exporter whose app is off is an error that names both", () => {
        const issue = issuesOf({ ...minimal, services: { lidarr: { enabled: false }, "exportarr-lidarr": { enabled: true } } }).find((i) => i.key === "monsterr:services.exportarr-lidarr.enabled");
        expect(issue?.problem).toMatch(/only works with lidarr/);
    });
});

describe("monitoring containers (prod plan)", () => {
    let p: Awaited<ReturnType<typeof plan>>;
    beforeAll(async () => {
        p = await plan("prod", { services: { lidarr: { enabled: false } } });
    });

    it("exportarr reads the app's generated API key from a file, as the stack user, on the metrics and backend networks only", () => {
        const c = p.container("exportarr-sonarr")!;
        expect(c.command).toEqual(["sonarr"]);
        expect(c.envs).toEqual(expect.arrayContaining(["PORT=9707", "URL=http://sonarr:8989", "API_KEY_FILE=/run/secrets/sonarr-api-key"]));
        expect(c.volumes).toContainEqual({ hostPath: "/opt/monsterr/secrets/sonarr-api-key", containerPath: "/run/secrets/sonarr-api-key", readOnly: true });
        expect(c.user).toBe("1000:1000");
        expect(c.networksAdvanced).toEqual([{ name: "monsterr-metrics" }, { name: "monsterr-backend" }]);
        expect(p.container("exportarr-lidarr")).toBeUndefined();
        const prom = p.files.get("/opt/monsterr/prometheus/etc/prometheus.yml")!;
        expect(prom).not.toContain("exportarr-lidarr");
        expect(prom).not.toContain("https://lidarr.");
    });

    it("node-exporter measures the config root and the data tree at fixed paths, and reads the backup's results", () => {
        const c = p.container("node-exporter")!;
        expect(c.volumes).toEqual([
            { hostPath: "/opt/monsterr", containerPath: "/monsterr/config", readOnly: true },
            { hostPath: "/data", containerPath: "/monsterr/data", readOnly: true },
            { hostPath: "/opt/monsterr/node-exporter/textfile", containerPath: "/textfile", readOnly: true },
        ]);
        expect(c.command).toContain("--collector.textfile.directory=/textfile");
        expect(p.files.get("/usr/local/lib/monsterr/backup.sh")).toContain("textfile='/opt/monsterr/node-exporter/textfile'");
    });

    it("Grafana signs users in from Authelia's Remote-User header and keeps its admin password in a file", () => {
        const envs = p.container("grafana")!.envs as string[];
        expect(envs).toEqual(expect.arrayContaining([
            "GF_AUTH_PROXY_ENABLED=true",
            "GF_AUTH_PROXY_HEADER_NAME=Remote-User",
            "GF_AUTH_PROXY_AUTO_SIGN_UP=true",
            "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password",
        ]));
        expect(envs.join("\n")).not.toMatch(/GF_SECURITY_ADMIN_PASSWORD=/);
    });

    it("Portainer sets its first admin from the generated secret file; Tautulli and Portainer sit behind Authelia", () => {
        const c = p.container("portainer")!;
        expect(c.command).toContain("--admin-password-file=/run/secrets/portainer-admin-password");
        expect(c.volumes).toContainEqual({ hostPath: "/opt/monsterr/secrets/portainer-admin-password", containerPath: "/run/secrets/portainer-admin-password", readOnly: true });
        expect(p.outputs.urls).toMatchObject({ portainer: "https://portainer.media.example.com", tautulli: "https://tautulli.media.example.com", alertmanager: "https://alerts.media.example.com" });
    });

    it("Alertmanager and Prometheus carry the retention and external URLs", () => {
        expect(p.container("prometheus")!.command).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=10GB"]));
        expect(p.container("alertmanager")!.command).toContain("--web.external-url=https://alerts.media.example.com/");
    });
});
