import * as fs from "fs";
import * as YAML from "yaml";
import { Answers, OPTIONAL_APPS } from "./questions";

/**
 * `Pulumi.<stack>.yaml` as a document: the wizard reads its answers' defaults from it and writes them back into it,
 * keeping every comment, every key it does not ask about, and the order of the file.
 */
export class StackFile {
    readonly doc: YAML.Document;

    constructor(text: string) {
        this.doc = text.trim() ? YAML.parseDocument(text) : new YAML.Document({ config: {} });
        if (!YAML.isMap(this.doc.get("config"))) this.doc.set("config", new YAML.YAMLMap());
    }

    static read(file: string): StackFile {
        return new StackFile(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
    }

    private get(...p: string[]): unknown {
        const v = this.doc.getIn(["config", ...p]);
        return YAML.isNode(v) ? (v as YAML.Node).toJSON() : v;
    }

    private set(p: string[], value: unknown): void {
        if (this.doc.getIn(["config", ...p]) !== value) this.doc.setIn(["config", ...p], value);
    }

    /** The answers the file already holds: the wizard's defaults on a second run. */
    answers(): Answers {
        const a: Answers = {};
        const put = (id: string, v: unknown) => {
            if (v !== undefined && v !== null && typeof v !== "object") a[id] = String(v);
        };
        put("domain", this.get("monsterr:domain"));
        put("adminEmail", this.get("monsterr:adminEmail"));
        put("hostType", this.get("monsterr:host", "type"));
        put("address", this.get("monsterr:host", "address"));
        put("port", this.get("monsterr:host", "port"));
        put("user", this.get("monsterr:host", "user"));
        put("hostKey", this.get("monsterr:host", "hostKey"));
        put("configRoot", this.get("monsterr:storage", "configRoot"));
        put("dataRoot", this.get("monsterr:storage", "dataRoot"));
        put("timezone", this.get("monsterr:timezone"));
        put("puid", this.get("monsterr:puid"));
        put("pgid", this.get("monsterr:pgid"));
        put("torrentPort", this.get("monsterr:torrentPort"));
        put("tls", this.get("monsterr:tls", "mode"));
        put("ntfyUrl", this.get("monsterr:alerting", "ntfy", "url"));
        const off = OPTIONAL_APPS.filter((s) => this.get("monsterr:services", s, "enabled") === false);
        if (off.length) a.disable = off.join(",");
        return a;
    }

    /** Writes the answers (and what the wizard learned: the pinned host key, the host's memory) into the document. */
    apply(a: Answers, learned: { hostKey?: string; memoryMb?: number }): void {
        this.set(["monsterr:domain"], a.domain);
        this.set(["monsterr:adminEmail"], a.adminEmail);
        this.set(["monsterr:host", "type"], a.hostType);
        if (a.hostType === "ssh") {
            this.set(["monsterr:host", "address"], a.address);
            this.set(["monsterr:host", "port"], Number(a.port));
            this.set(["monsterr:host", "user"], a.user);
            if (learned.hostKey) this.set(["monsterr:host", "hostKey"], learned.hostKey);
        } else {
            for (const k of ["address", "port", "user", "hostKey"]) this.doc.deleteIn(["config", "monsterr:host", k]);
        }
        if (learned.memoryMb) this.set(["monsterr:host", "memoryMb"], learned.memoryMb);
        this.set(["monsterr:storage", "configRoot"], a.configRoot);
        this.set(["monsterr:storage", "dataRoot"], a.dataRoot);
        this.set(["monsterr:timezone"], a.timezone);
        this.set(["monsterr:puid"], Number(a.puid));
        this.set(["monsterr:pgid"], Number(a.pgid));
        this.set(["monsterr:torrentPort"], Number(a.torrentPort));
        this.set(["monsterr:tls", "mode"], a.tls);
        if (a.tls === "letsencrypt" && this.get("monsterr:tls", "challenge") === undefined) this.set(["monsterr:tls", "challenge"], "http");
        if (a.tls === "selfsigned") for (const k of ["challenge", "dnsProvider"]) this.doc.deleteIn(["config", "monsterr:tls", k]);
        const off = (a.disable ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        for (const s of OPTIONAL_APPS) {
            if (off.includes(s)) this.set(["monsterr:services", s, "enabled"], false);
            else if (this.get("monsterr:services", s, "enabled") === false) this.doc.deleteIn(["config", "monsterr:services", s, "enabled"]);
        }
        if (a.ntfyUrl) {
            this.set(["monsterr:alerting", "ntfy", "url"], a.ntfyUrl);
            if (this.get("monsterr:alerting", "ntfy", "minSeverity") === undefined) this.set(["monsterr:alerting", "ntfy", "minSeverity"], "warning");
        }
    }

    /** The config section as plain data (what `toEngineConfig` reads, `secure:` values included). */
    config(): Record<string, unknown> {
        return (this.doc.toJSON() as { config?: Record<string, unknown> }).config ?? {};
    }

    toString(): string {
        return this.doc.toString();
    }
}
