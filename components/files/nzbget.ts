import * as pulumi from "@pulumi/pulumi";
import { FileBuilder } from "./types";

/** NZBGet's control login; the password is the generated `nzbget-password`. */
export const NZBGET_USER = "monsterr";

/** Where downloads land, as every app sees the data tree (/data): the TRaSH layout's usenet side. */
export const USENET = { complete: "/data/usenet/complete", incomplete: "/data/usenet/incomplete" } as const;
/** One category per library, each into its own folder of the tree (host.ts DATA_TREE: usenet/complete/<category>). */
export const NZBGET_CATEGORIES = ["tv", "movies", "music", "books"] as const;

/**
 * The options the linuxserver image sets in the template it copies to /config on first start
 * (docker-nzbget v26.2-ls254 Dockerfile, the `sed` over nzbget.conf): the seed replaces that copy, so it keeps them.
 */
const IMAGE_OPTIONS: [string, string][] = [
    ["MainDir", "/config"],
    ["ScriptDir", "${MainDir}/scripts"],
    ["WebDir", "${AppDir}/webui"],
    ["ConfigTemplate", "${AppDir}/webui/nzbget.conf.template"],
    ["UnrarCmd", "unrar"],
    ["SevenZipCmd", "7z"],
    ["CertStore", "${AppDir}/cacert.pem"],
    ["CertCheck", "yes"],
    ["LogFile", "${MainDir}/nzbget.log"],
];

export function nzbgetOptions(password: string): [string, string][] {
    return [
        ...IMAGE_OPTIONS,
        // The image's /downloads is neither mounted nor writable; the apps import from /data/usenet by hardlink.
        ["DestDir", USENET.complete],
        ["InterDir", USENET.incomplete],
        ["AppendCategoryDir", "yes"],
        // The container's own healthcheck asks from 127.0.0.1 without the password; any other address needs it
        // (daemon/remote/WebServer.cpp CheckCredentials). Requests through the proxy come from its address.
        ["AuthorizedIP", "127.0.0.1"],
        ["ControlUsername", NZBGET_USER],
        ["ControlPassword", password],
        // Categories are numbered from 1 without gaps (Options.cpp InitCategories stops at the first missing one).
        ...NZBGET_CATEGORIES.flatMap((c, i): [string, string][] => [
            [`Category${i + 1}.Name`, c],
            [`Category${i + 1}.DestDir`, `${USENET.complete}/${c}`],
        ]),
    ];
}

/** `Name=value` lines; nzbget reads no quoting or escapes, so a value with a line break is refused. */
export function serializeNzbgetConf(options: [string, string][]): string {
    return options
        .map(([k, v]) => {
            if (!/^[A-Za-z][A-Za-z0-9.]*$/.test(k) || /[\r\n]/.test(v)) throw new Error(`nzbget option ${k} cannot be written`);
            return `${k}=${v}\n`;
        })
        .join("");
}

/**
 * nzbget.conf, seeded once: the image copies its template only when the file is missing (init-nzbget-config), and
 * NZBGet rewrites the file from its web UI, so afterwards it is app state. Options not listed keep NZBGet's defaults.
 */
export const nzbgetFiles: FileBuilder = ({ secrets }) => [
    {
        path: "nzbget.conf",
        content: pulumi.secret(secrets.value("nzbget-password").apply((pw) => serializeNzbgetConf(nzbgetOptions(pw)))),
        secret: true,
        mode: "0600",
        seedOnly: true,
    },
];
