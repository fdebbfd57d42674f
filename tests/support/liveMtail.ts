import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../../config/catalog";
import { freePort } from "./binaries";

/** Flags of mtail 3.0.9 (cmd/mtail/main.go at that tag) that Debian's 3.0.0~rc50 does not have yet. */
const NEWER_THAN_DEBIAN = ["--http_debugging_endpoint=false", "--http_info_endpoint=false"];

/** Debian's mtail run with the catalog's own flags and the planned program, following a log file of its own. */
export class LiveMtail {
    private log = "";
    private constructor(readonly port: number, readonly accessLog: string, private readonly dir: string, private readonly proc: ChildProcess) {
        proc.stderr!.on("data", (d) => (this.log += String(d)));
    }

    static async start(program: string): Promise<LiveMtail> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtail-live-"));
        fs.mkdirSync(path.join(dir, "etc"));
        fs.writeFileSync(path.join(dir, "etc", "monsterr.mtail"), program);
        const accessLog = path.join(dir, "access.log");
        fs.writeFileSync(accessLog, "");
        const command = CATALOG.find((x) => x.name === "mtail")!.command!;
        const args = command.filter((a) => !NEWER_THAN_DEBIAN.includes(a)).map((a) => (a === "/etc/mtail" ? path.join(dir, "etc") : a.startsWith("/logs/") ? accessLog : a));
        const port = await freePort();
        const proc = spawn("mtail", [...args, "--port", String(port), "--address", "127.0.0.1"], { stdio: ["ignore", "ignore", "pipe"] });
        const m = new LiveMtail(port, accessLog, dir, proc);
        // Up and following the log (a labelled counter shows once it has a value).
        await m.until(/go_info/);
        await new Promise((r) => setTimeout(r, 1000));
        return m;
    }

    metrics(): Promise<string> {
        return fetch(`http://127.0.0.1:${this.port}/metrics`).then((r) => r.text(), () => "");
    }

    /** The /metrics text once it matches `re` (20 s at most). */
    async until(re: RegExp): Promise<string> {
        for (let i = 0; i < 100; i++) {
            const text = await this.metrics();
            if (re.test(text)) return text;
            if (this.proc.exitCode !== null) throw new Error(`mtail exited ${this.proc.exitCode}:\n${this.log}`);
            await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`mtail never showed ${re}:\n${await this.metrics()}\n${this.log}`);
    }

    stop(): void {
        this.proc.kill("SIGTERM");
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
