import * as fs from "fs";
import * as YAML from "yaml";
import { Answers, OPTIONAL_APPS, QUESTIONS, settingAt } from "./questions";

/** What the wizard learned rather than asked: the pinned host key, the host's memory. */
export interface Learned {
    hostKey?: string;
    memoryMb?: number;
}

/** `host.port` -> the document path `config / monsterr:host / port`. */
const docPath = (key: string) => {
    const [top, ...rest] = key.split(".");
    return ["config", `monsterr:${top}`, ...rest];
};

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

    private get(key: string): unknown {
        const v = this.doc.getIn(docPath(key));
        return YAML.isNode(v) ? (v as YAML.Node).toJSON() : v;
    }

    private set(key: string, value: unknown): void {
        if (this.get(key) !== value) this.doc.setIn(docPath(key), value);
    }

    private delete(key: string): void {
        if (this.get(key) !== undefined) this.doc.deleteIn(docPath(key));
    }

    /** Whether the file holds a secret (a `secure:` value) under this key. */
    hasSecret(key: string): boolean {
        const v = this.get(key);
        return typeof v === "object" && v !== null && "secure" in v;
    }

    /** The answers the file already holds: the wizard's defaults on a second run. */
    answers(): Answers {
        const a: Answers = {};
        for (const q of QUESTIONS) {
            if (!q.setting || q.id === "disable") continue;
            const v = this.get(q.setting);
            if (v !== undefined && v !== null && typeof v !== "object") a[q.id] = String(v);
        }
        const hostKey = this.get("host.hostKey");
        if (typeof hostKey === "string") a.hostKey = hostKey;
        const off = OPTIONAL_APPS.filter((s) => this.get(`services.${s}.enabled`) === false);
        if (off.length) a.disable = off.join(",");
        return a;
    }

    /**
     * Writes the answers into the document, each as its setting's type; a question that no longer applies (a local
     * host's SSH address, a self-signed stack's challenge) has its setting removed.
     */
    apply(a: Answers, learned: Learned): void {
        for (const q of QUESTIONS) {
            if (!q.setting || q.id === "disable") continue;
            const applies = !q.when || q.when(a);
            const v = a[q.id];
            if (!applies || v === undefined || v === "") {
                if (this.get(q.setting) !== undefined) this.delete(q.setting);
                continue;
            }
            const type = settingAt(q.setting).type;
            this.set(q.setting, type === "integer" || type === "number" ? Number(v) : type === "boolean" ? v === "true" : v);
        }
        if (a.hostType === "ssh" && learned.hostKey) this.set("host.hostKey", learned.hostKey);
        if (a.hostType !== "ssh") this.delete("host.hostKey");
        if (learned.memoryMb) this.set("host.memoryMb", learned.memoryMb);
        // Without a provider there is no VPN: its other fields would switch it on.
        if (!a.vpnProvider) this.delete("vpn");
        const off = (a.disable ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        for (const s of OPTIONAL_APPS) {
            if (off.includes(s)) this.set(`services.${s}.enabled`, false);
            else if (this.get(`services.${s}.enabled`) === false) this.delete(`services.${s}.enabled`);
        }
        if (a.ntfyUrl && this.get("alerting.ntfy.minSeverity") === undefined) this.set("alerting.ntfy.minSeverity", "warning");
        if (!a.ntfyUrl) this.delete("alerting.ntfy");
        for (const top of ["tls", "vpn", "alerting", "services"]) {
            const node = this.doc.getIn(docPath(top));
            if (YAML.isMap(node) && node.items.length === 0) this.delete(top);
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
