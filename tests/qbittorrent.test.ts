import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { QBITTORRENT_USER, qbittorrentPasswordHash, serializeQtIni } from "../components/files/qbittorrent";
import { freePort, requireBinary } from "./support/binaries";
import { isSecret, plan } from "./support/plan";

const CONF = "/opt/monsterr/qbittorrent/qBittorrent/qBittorrent.conf";
const CATEGORIES = "/opt/monsterr/qbittorrent/qBittorrent/categories.json";

/** POSTs a form to the web API; returns status, body and the session cookie. */
async function post(port: number, route: string, form: Record<string, string>, cookie?: string) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v2/${route}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: await res.text(), cookie: res.headers.get("set-cookie")?.split(";")[0] };
}

describe("qBittorrent.conf, loaded by the real qbittorrent-nox", () => {
    const qbt = requireBinary("qbittorrent-nox", "qbittorrent-nox");
    let profile: string;
    let proc: ChildProcess | undefined;
    afterEach(() => {
        proc?.kill("SIGKILL");
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
    });

    it("is a seeded secret file that holds a PBKDF2 hash, never the password", async () => {
        const p = await plan("prod");
        const conf = p.files.get(CONF)!;
        const password = p.files.get("/opt/monsterr/secrets/qbittorrent-password")!;
        expect(conf).toMatch(/^WebUI\\Password_PBKDF2="@ByteArray\([A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]{86}==\)"$/m);
        expect(conf).not.toContain(password);
        const write = p.resources.find((r) => r.type === "command:remote:Command" && String(r.inputs.create).includes(CONF))!;
        expect(write.inputs.create).toContain('if [ -e "$p" ]'); // seed only: qBittorrent owns the file afterwards
        expect(isSecret(write.inputs.stdin)).toBe(true);
    });

    it("starts with the generated login, refuses a wrong one, trusts only the proxy's forwarded address, saves into the TRaSH tree", async () => {
        const p = await plan("prod");
        const password = p.files.get("/opt/monsterr/secrets/qbittorrent-password")!;
        profile = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-qbt-"));
        const dir = path.join(profile, "qBittorrent", "config");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "qBittorrent.conf"), p.files.get(CONF)!);
        fs.writeFileSync(path.join(dir, "categories.json"), p.files.get(CATEGORIES)!);
        const port = await freePort();
        proc = spawn(qbt, [`--profile=${profile}`, `--webui-port=${port}`], { stdio: "pipe", env: { ...process.env, HOME: profile } });
        let log = "";
        proc.stdout!.on("data", (d) => (log += d));
        proc.stderr!.on("data", (d) => (log += d));

        let login: Awaited<ReturnType<typeof post>> | undefined;
        for (let i = 0; i < 100 && !login; i++) {
            login = await post(port, "auth/login", { username: QBITTORRENT_USER, password }).catch(() => undefined);
            if (!login) await new Promise((r) => setTimeout(r, 100));
        }
        expect(login?.body).toBe("Ok.");
        expect(log).not.toMatch(/temporary password/i);
        expect((await post(port, "auth/login", { username: QBITTORRENT_USER, password: "adminadmin" })).body).toBe("Fails.");

        const prefs = await fetch(`http://127.0.0.1:${port}/api/v2/app/preferences`, { headers: { cookie: login!.cookie! } }).then((r) => r.json());
        expect(prefs).toMatchObject({
            web_ui_username: QBITTORRENT_USER,
            save_path: "/data/torrents",
            upnp: false,
            web_ui_reverse_proxy_enabled: true,
            web_ui_reverse_proxies_list: "172.30.10.50",
        });
        // The seeded categories, one per library app, each saving into its own folder of the torrents tree.
        const categories = await fetch(`http://127.0.0.1:${port}/api/v2/torrents/categories`, { headers: { cookie: login!.cookie! } }).then((r) => r.json());
        expect(categories).toEqual({
            tv: { name: "tv", savePath: "/data/torrents/tv" },
            movies: { name: "movies", savePath: "/data/torrents/movies" },
            music: { name: "music", savePath: "/data/torrents/music" },
            books: { name: "books", savePath: "/data/torrents/books" },
        });
    });

    it("hashes like qBittorrent: a known vector, and only 16-byte salts", () => {
        const salt = Buffer.from("0123456789abcdef");
        // Computed outside this code: python3 -c "import hashlib,base64; print(base64.b64encode(hashlib.pbkdf2_hmac(
        //   'sha512', b'adminadmin', b'0123456789abcdef', 100000, 64)).decode())"
        expect(qbittorrentPasswordHash("adminadmin", salt)).toBe(
            "@ByteArray(MDEyMzQ1Njc4OWFiY2RlZg==:ZZS5EElovMoBVYDjMAaPI3BYalEsuNQNBCv4gjnI6KDYLC66zug9YBa5FIuP+3n/qFDM467FTFd4KkOdsg0Ugw==)",
        );
        expect(() => qbittorrentPasswordHash("x", Buffer.alloc(8))).toThrow(/16 bytes/);
        expect(() => serializeQtIni({ A: { k: 'say "hi"' } })).toThrow(/cannot be written/);
    });
});
