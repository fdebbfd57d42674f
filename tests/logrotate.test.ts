import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LOGROTATE_FILE } from "../components/files/logrotate";
import { requireBinary, runProgram } from "./support/binaries";
import { plan } from "./support/plan";

/** The generated logrotate rule, run by Debian's logrotate against a log held open the way Authelia holds its own. */
describe("rotation of Authelia's log", () => {
    const logrotate = requireBinary("logrotate", "logrotate");

    it("exists on an ssh host for the log Authelia and Fail2Ban share, never on the dev machine", async () => {
        const prod = await plan("prod");
        expect(prod.files.get(LOGROTATE_FILE)).toMatch(/^\/opt\/monsterr\/authelia\/logs\/authelia\.log \{\n/);
        expect((await plan("dev")).files.has(LOGROTATE_FILE)).toBe(false);
    });

    it("rotates by copy and truncate: the writer keeps appending to the same file, which starts empty again", async () => {
        const rule = (await plan("prod")).files.get(LOGROTATE_FILE)!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-logrotate-"));
        try {
            const log = path.join(dir, "authelia.log");
            fs.writeFileSync(path.join(dir, "rules"), rule.replace("/opt/monsterr/authelia/logs/authelia.log", log));
            // Authelia's logging/file.go: os.OpenFile(..., O_WRONLY|O_CREATE|O_APPEND) once, then writes.
            const fd = fs.openSync(log, "a");
            fs.writeSync(fd, "before rotation\n");
            const r = runProgram(logrotate, ["-f", "-s", path.join(dir, "state"), path.join(dir, "rules")]);
            expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: "" });
            fs.writeSync(fd, "after rotation\n");
            fs.closeSync(fd);
            expect(fs.readFileSync(`${log}.1`, "utf8")).toBe("before rotation\n");
            expect(fs.readFileSync(log, "utf8")).toBe("after rotation\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
