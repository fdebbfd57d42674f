import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { EDGE_ACCESS_LOG } from "../../../components/edge/authSnippet";
import { FILE_BUILDERS } from "../../../components/files";
import { LOGROTATE_FILE, serializeLogrotate } from "../../../components/files/logrotate";
import { nginxProxyManagerFiles } from "../../../components/files/nginxProxyManager";
import { NZBGET_CATEGORIES, NZBGET_USER, USENET, nzbgetFiles, nzbgetOptions, serializeNzbgetConf } from "../../../components/files/nzbget";
import { QBITTORRENT_USER, qbittorrentCategories, qbittorrentFiles, qbittorrentPasswordHash, qbittorrentSettings, serializeQtIni } from "../../../components/files/qbittorrent";
import { REDIS_SETTINGS, redisFiles, serializeRedisConf } from "../../../components/files/redis";
import { toYaml } from "../../../components/files/yaml";
import { fakeSecrets, fileContext, resolved, stack } from "../support";

const secretOf = async (f: { content: pulumi.Input<string> }) => pulumi.isSecret(pulumi.output(f.content));

describe("qBittorrent's seeded settings (unit)", () => {
    it("PBKDF2-SHA512 like qBittorrent: a vector computed by Python's hashlib, and only 16-byte salts", () => {
        // python3 -c "import hashlib,base64; print(base64.b64encode(hashlib.pbkdf2_hmac('sha512', b'adminadmin', b'0123456789abcdef', 100000, 64)).decode())"
        expect(qbittorrentPasswordHash("adminadmin", Buffer.from("0123456789abcdef"))).toBe(
            "@ByteArray(MDEyMzQ1Njc4OWFiY2RlZg==:ZZS5EElovMoBVYDjMAaPI3BYalEsuNQNBCv4gjnI6KDYLC66zug9YBa5FIuP+3n/qFDM467FTFd4KkOdsg0Ugw==)",
        );
        expect(() => qbittorrentPasswordHash("x", Buffer.alloc(15))).toThrow("qBittorrent salts are 16 bytes, got 15");
        expect(() => qbittorrentPasswordHash("x", Buffer.alloc(17))).toThrow(/got 17/);
    });

    it("QSettings INI: sections, plain values, @-typed values quoted, nothing that needs escaping", () => {
        expect(serializeQtIni({ A: { "K\\Sub": 1, b: true }, B: { h: "@ByteArray(x)" } })).toBe('[A]\nK\\Sub=1\nb=true\n\n[B]\nh="@ByteArray(x)"\n');
        for (const bad of ['say "hi"', "a\nb", "a\rb"]) expect(() => serializeQtIni({ A: { k: bad } })).toThrow(`qBittorrent setting A/k cannot be written: ${JSON.stringify(bad)}`);
        for (const key of ["a=b", "a\nb", "a\rb"]) expect(() => serializeQtIni({ A: { [key]: "v" } })).toThrow(/cannot be written/);
        expect(serializeQtIni({ A: { k: "a=b" } })).toBe("[A]\nk=a=b\n");
    });

    it("the login, the TRaSH save path, no UPnP, and only the proxy trusted for forwarded addresses", () => {
        expect(qbittorrentSettings({ passwordHash: "@H", proxyAddress: "172.30.10.2" })).toEqual({
            AutoRun: { enabled: false },
            BitTorrent: { "Session\\DefaultSavePath": "/data/torrents" },
            LegalNotice: { Accepted: true },
            Network: { PortForwardingEnabled: false },
            Preferences: {
                "WebUI\\Address": "*",
                "WebUI\\ServerDomains": "*",
                "WebUI\\Username": "monsterr",
                "WebUI\\Password_PBKDF2": "@H",
                "WebUI\\ReverseProxySupportEnabled": true,
                "WebUI\\TrustedReverseProxiesList": "172.30.10.2",
            },
        });
        expect(QBITTORRENT_USER).toBe("monsterr");
    });

    it("categories: one per library app, saving into its own folder of the torrents tree", () => {
        expect(qbittorrentCategories()).toEqual({
            tv: { save_path: "/data/torrents/tv", download_path: null },
            movies: { save_path: "/data/torrents/movies", download_path: null },
            music: { save_path: "/data/torrents/music", download_path: null },
            books: { save_path: "/data/torrents/books", download_path: null },
        });
        const [, categories] = qbittorrentFiles(fileContext(stack()));
        expect(categories).toEqual({ path: "qBittorrent/categories.json", content: JSON.stringify(qbittorrentCategories(), null, 4) + "\n", mode: "0644", seedOnly: true });
    });

    it("file: seeded once, 0600, a secret holding the hash of the generated password", async () => {
        const [f] = qbittorrentFiles(fileContext(stack(), "172.30.10.34"));
        expect([f.path, f.mode, f.secret, f.seedOnly]).toEqual(["qBittorrent/qBittorrent.conf", "0600", true, true]);
        expect(await secretOf(f)).toBe(true);
        const secrets = fakeSecrets();
        const [pw, salt] = await Promise.all([resolved(secrets.value("qbittorrent-password")), resolved(secrets.value("qbittorrent-password-salt"))]);
        expect(await resolved(f.content)).toBe(serializeQtIni(qbittorrentSettings({ passwordHash: qbittorrentPasswordHash(pw, Buffer.from(salt, "utf8")), proxyAddress: "172.30.10.34" })));
    });
});

describe("NZBGet's seeded settings (unit)", () => {
    it("keeps the image's options, downloads into the usenet tree by category, the login, localhost only without it", () => {
        const o = Object.fromEntries(nzbgetOptions("pw"));
        expect(o).toEqual({
            MainDir: "/config",
            ScriptDir: "${MainDir}/scripts",
            WebDir: "${AppDir}/webui",
            ConfigTemplate: "${AppDir}/webui/nzbget.conf.template",
            UnrarCmd: "unrar",
            SevenZipCmd: "7z",
            CertStore: "${AppDir}/cacert.pem",
            CertCheck: "yes",
            LogFile: "${MainDir}/nzbget.log",
            DestDir: "/data/usenet/complete",
            InterDir: "/data/usenet/incomplete",
            AppendCategoryDir: "yes",
            AuthorizedIP: "127.0.0.1",
            ControlUsername: "monsterr",
            ControlPassword: "pw",
            "Category1.Name": "tv",
            "Category1.DestDir": "/data/usenet/complete/tv",
            "Category2.Name": "movies",
            "Category2.DestDir": "/data/usenet/complete/movies",
            "Category3.Name": "music",
            "Category3.DestDir": "/data/usenet/complete/music",
            "Category4.Name": "books",
            "Category4.DestDir": "/data/usenet/complete/books",
        });
        expect(nzbgetOptions("pw")).toHaveLength(23);
        expect([NZBGET_USER, USENET, NZBGET_CATEGORIES]).toEqual(["monsterr", { complete: "/data/usenet/complete", incomplete: "/data/usenet/incomplete" }, ["tv", "movies", "music", "books"]]);
    });

    it("Name=value lines; a key nzbget cannot read or a value with a line break is refused", () => {
        expect(serializeNzbgetConf([["A", "1"], ["Category1.Name", "x y"]])).toBe("A=1\nCategory1.Name=x y\n");
        for (const [k, v] of [["1A", "v"], ["A-B", "v"], ["A", "x\ny"], ["A", "x\ry"], ["", "v"], ["A B", "v"]]) expect(() => serializeNzbgetConf([[k, v]])).toThrow(`nzbget option ${k} cannot be written`);
    });

    it("file: seeded once, 0600, a secret", async () => {
        const [f] = nzbgetFiles(fileContext(stack()));
        expect([f.path, f.mode, f.secret, f.seedOnly]).toEqual(["nzbget.conf", "0600", true, true]);
        expect(await secretOf(f)).toBe(true);
        const pw = await resolved(fakeSecrets().value("nzbget-password"));
        expect(await resolved(f.content)).toBe(serializeNzbgetConf(nzbgetOptions(pw)));
    });
});

describe("Redis, logrotate, NPM's seeded log, YAML (unit)", () => {
    it("redis.conf: protected, persistent, bounded, dangerous commands renamed away, the password only in the file", async () => {
        expect(REDIS_SETTINGS).toEqual([
            ["bind", "* -::*"],
            ["protected-mode", "yes"],
            ["port", "6379"],
            ["appendonly", "yes"],
            ["save", "3600 1 300 100"],
            ["maxmemory", "200mb"],
            ["maxmemory-policy", "volatile-lru"],
            ["rename-command", 'FLUSHALL ""'],
            ["rename-command", 'CONFIG ""'],
        ]);
        expect(serializeRedisConf([["a", "b c"], ["d", "e"]])).toBe("a b c\nd e\n");
        const [f] = redisFiles(fileContext(stack()));
        expect([f.path, f.secret, f.mode, f.seedOnly]).toEqual(["conf/redis.conf", true, undefined, undefined]);
        expect(await secretOf(f)).toBe(true);
        const pw = await resolved(fakeSecrets().value("redis-password"));
        expect(await resolved(f.content)).toBe(serializeRedisConf([...REDIS_SETTINGS, ["requirepass", pw]]));
    });

    it("logrotate: daily or by size, copytruncate (Authelia keeps its file open), plain absolute paths only", () => {
        expect(serializeLogrotate([{ path: "/opt/m/a.log", keep: 7, maxSizeMb: 50 }, { path: "/b.log", keep: 1, maxSizeMb: 1 }])).toBe(
            "/opt/m/a.log {\n    daily\n    maxsize 50M\n    rotate 7\n    missingok\n    notifempty\n    compress\n    delaycompress\n    copytruncate\n}\n" +
                "/b.log {\n    daily\n    maxsize 1M\n    rotate 1\n    missingok\n    notifempty\n    compress\n    delaycompress\n    copytruncate\n}\n",
        );
        for (const p of ["relative.log", "relative/a.log", "/a b.log", "/a/*.log", "/a{b}.log", "/a\n.log"]) expect(() => serializeLogrotate([{ path: p, keep: 1, maxSizeMb: 1 }])).toThrow(`logrotate path ${p} must be a plain absolute path`);
        expect(LOGROTATE_FILE).toBe("/etc/logrotate.d/monsterr");
    });

    it("NPM: the edge access log, seeded empty under its data folder", () => {
        expect(EDGE_ACCESS_LOG).toBe("/data/logs/monsterr_access.log");
        expect(nginxProxyManagerFiles(fileContext(stack()))).toEqual([
            { path: "data/logs/monsterr_access.log", content: "", mode: "0640", seedOnly: true },
            { path: "data/logs/monsterr_timing_access.log", content: "", mode: "0644", seedOnly: true },
            { path: "data/nginx/custom/http_top.conf", content: 'log_format monsterr_timing "$server_name $status $upstream_header_time";\n' },
        ]);
    });

    it("YAML: declared key order, no folding of long lines, no anchors for repeated objects", () => {
        const shared = { a: 1 };
        const long = "x ".repeat(100).trim();
        expect(toYaml({ z: 1, a: [shared, shared], long })).toBe(`z: 1\na:\n  - a: 1\n  - a: 1\nlong: ${long}\n`);
    });

    it("the services with generated files, each to its builder", () => {
        expect(Object.keys(FILE_BUILDERS).sort()).toEqual(["alertmanager", "authelia", "bazarr", "blackbox-exporter", "diun", "fail2ban", "grafana", "mtail", "nginx-proxy-manager", "node-exporter", "nzbget", "prometheus", "qbittorrent", "redis"]);
        expect(FILE_BUILDERS.redis).toBe(redisFiles);
        expect(FILE_BUILDERS.nzbget).toBe(nzbgetFiles);
        expect(FILE_BUILDERS.qbittorrent).toBe(qbittorrentFiles);
        expect(FILE_BUILDERS["nginx-proxy-manager"]).toBe(nginxProxyManagerFiles);
        expect(yaml.load(toYaml({ a: "b" }))).toEqual({ a: "b" });
    });
});
