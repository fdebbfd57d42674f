import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { FileBuilder } from "./types";

/** The web UI login that the exporter and the `adminCredentials` output use. */
export const QBITTORRENT_USER = "monsterr";

/** qBittorrent's own password hash: PBKDF2-HMAC-SHA512, 100000 iterations, 16-byte salt, 64-byte key. */
const PBKDF2 = { iterations: 100_000, keyBytes: 64, digest: "sha512", saltBytes: 16 } as const;

export function qbittorrentPasswordHash(password: string, salt: Buffer): string {
    if (salt.length !== PBKDF2.saltBytes) throw new Error(`qBittorrent salts are ${PBKDF2.saltBytes} bytes, got ${salt.length}`);
    const key = crypto.pbkdf2Sync(password, salt, PBKDF2.iterations, PBKDF2.keyBytes, PBKDF2.digest);
    return `@ByteArray(${salt.toString("base64")}:${key.toString("base64")})`;
}

export type QtSettings = Record<string, Record<string, string | number | boolean>>;

/**
 * QSettings' INI form: `[Section]` then `Key\Sub=value`. Values are plain unless they hold `@`-typed data, which
 * qBittorrent writes in double quotes; anything that would need escaping is refused rather than mangled.
 */
export function serializeQtIni(settings: QtSettings): string {
    return Object.entries(settings)
        .map(([section, entries]) => {
            const lines = Object.entries(entries).map(([key, raw]) => {
                const value = String(raw);
                if (/["\r\n]/.test(value) || /[\r\n=]/.test(key)) throw new Error(`qBittorrent setting ${section}/${key} cannot be written: ${JSON.stringify(value)}`);
                return `${key}=${value.startsWith("@") ? `"${value}"` : value}`;
            });
            return `[${section}]\n${lines.join("\n")}\n`;
        })
        .join("\n");
}

export interface QbittorrentSettingsArgs {
    passwordHash: string;
    /** The reverse proxy's fixed address: trusted for X-Forwarded-For, so qBittorrent bans clients, not the proxy. */
    proxyAddress: string;
}

/** The first-start settings; they replace the linuxserver image's defaults, which it copies only when the file is missing. */
export function qbittorrentSettings(a: QbittorrentSettingsArgs): QtSettings {
    return {
        AutoRun: { enabled: false },
        // The TRaSH layout: downloads land in the same tree as the library, so imports are hardlinks. (The peer port
        // is the container's TORRENTING_PORT, passed on qbittorrent-nox's command line.)
        BitTorrent: { "Session\\DefaultSavePath": TORRENTS },
        LegalNotice: { Accepted: true },
        // The current key (src/base/bittorrent/portforwarderimpl.cpp, 4.5 to 5.2); `Preferences/Connection/UPnP` is
        // the legacy one, which the first start's migration would copy over it.
        Network: { PortForwardingEnabled: false },
        Preferences: {
            "WebUI\\Address": "*",
            "WebUI\\ServerDomains": "*",
            "WebUI\\Username": QBITTORRENT_USER,
            "WebUI\\Password_PBKDF2": a.passwordHash,
            "WebUI\\ReverseProxySupportEnabled": true,
            "WebUI\\TrustedReverseProxiesList": a.proxyAddress,
        },
    };
}

/** One category per library app, saving into its own folder of the torrents tree (TRaSH layout). */
export const QBITTORRENT_CATEGORIES = ["tv", "movies", "music", "books"] as const;
export const TORRENTS = "/data/torrents";

/** categories.json as qBittorrent writes it (`CategoryOptions::toJSON`); read once, at start. */
export function qbittorrentCategories(): Record<string, { save_path: string; download_path: null }> {
    return Object.fromEntries(QBITTORRENT_CATEGORIES.map((c) => [c, { save_path: `${TORRENTS}/${c}`, download_path: null }]));
}

/**
 * qBittorrent.conf, seeded once: qBittorrent rewrites it on every settings change, so afterwards it is app state.
 * Without it the app starts with a temporary password printed to its log, and nothing else could log in.
 */
export const qbittorrentFiles: FileBuilder = ({ secrets, proxyAddress }) => {
    const content = pulumi
        .all([secrets.value("qbittorrent-password"), secrets.value("qbittorrent-password-salt")])
        .apply(([password, salt]) =>
            serializeQtIni(
                qbittorrentSettings({
                    passwordHash: qbittorrentPasswordHash(password, Buffer.from(salt)),
                    proxyAddress,
                }),
            ),
        );
    return [
        { path: "qBittorrent/qBittorrent.conf", content: pulumi.secret(content), secret: true, mode: "0600", seedOnly: true },
        // Seeded too: the *arr apps name these categories, and qBittorrent rewrites the file when they change.
        { path: "qBittorrent/categories.json", content: JSON.stringify(qbittorrentCategories(), null, 4) + "\n", mode: "0644", seedOnly: true },
    ];
};
