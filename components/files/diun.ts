import * as crypto from "crypto";
import { CATALOG, ImageRef, ServiceName } from "../../config/catalog";
import { newerTagPattern } from "../../config/catalog/versioning";
import { MonitoringConfig } from "../../config/types";
import { FileBuilder, FileContext } from "./types";
import { toYaml } from "./yaml";

/** Where the diun folder's `etc/` is mounted. */
const ETC = "/etc/diun";
/** node-exporter's textfile directory, as mounted in Diun. */
const TEXTFILE = "/textfile";

/** One entry of Diun's file provider (internal/model/image.go, v4.33.0). */
export interface DiunImage {
    name: string;
    watch_repo: boolean;
    notify_on: ("new" | "update")[];
    include_tags?: string[];
    metadata: { image: string; pinned: string };
}

export interface DiunConfig {
    watch: { workers: number; schedule: string; firstCheckNotif: boolean; runOnStartup: boolean; compareDigest: boolean };
    notif: { script: { cmd: string; args: string[] } };
    providers: { file: { filename: string } };
}

/** A service and the image it runs: the catalog's pin, or the stack's own (`services.<name>.tag`). */
export type Pin = { name: ServiceName; image: ImageRef };

/** The distinct pinned images of the enabled services, in catalog order, each with the services that run it. */
export function pinnedImages(pins: readonly Pin[]): { image: ImageRef; services: ServiceName[] }[] {
    const byRef = new Map<string, { image: ImageRef; services: ServiceName[] }>();
    for (const s of pins) {
        const ref = `${s.image.repository}:${s.image.tag}`;
        const entry = byRef.get(ref) ?? { image: s.image, services: [] };
        entry.services.push(s.name);
        byRef.set(ref, entry);
    }
    return [...byRef.values()];
}

/**
 * What Diun watches. A tag pin: every tag of the repository the image's versioning orders after the pinned one, so
 * "new" means "newer" (Diun itself compares no versions). A digest pin: the tag it tracks, to see its digest move.
 */
export function diunImages(pins: readonly Pin[]): DiunImage[] {
    return pinnedImages(pins).map(({ image }) => {
        const metadata = { image: image.repository, pinned: image.tag };
        if (image.tag.startsWith("sha256:")) return { name: `${image.repository}:latest`, watch_repo: false, notify_on: ["new", "update"], metadata };
        const newer = newerTagPattern(image);
        if (!newer) throw new Error(`${image.repository}:${image.tag}: no versioning reads this tag (config/catalog/versioning.ts)`);
        return { name: `${image.repository}:${image.tag}`, watch_repo: true, notify_on: ["new"], include_tags: [newer], metadata };
    });
}

/**
 * Diun's configuration. The first check notifies too: Diun records every tag it sees on its first scan of a repository
 * silently otherwise (internal/app/job.go), and an update published before it started would never be reported. One
 * worker runs the notify script once at a time, so its read-modify-write of a textfile needs no lock.
 */
export function diunConfig(m: MonitoringConfig): DiunConfig {
    return {
        watch: { workers: 1, schedule: m.updateCheck, firstCheckNotif: true, runOnStartup: true, compareDigest: true },
        notif: { script: { cmd: "/bin/sh", args: [`${ETC}/notify.sh`] } },
        providers: { file: { filename: `${ETC}/images.yml` } },
    };
}

export const UPDATE_METRIC = "monsterr_image_newer_tag_seen_timestamp_seconds";
export const PINNED_METRIC = "monsterr_image_pinned_info";

/**
 * Diun's script notifier (run without a shell, with DIUN_ENTRY_* in its environment: internal/notif/script,
 * internal/msg/client.go RenderEnv). It keeps, per pinned image, when each newer tag (or moved digest) was first seen,
 * in a textfile for node-exporter; lines of an older pin are dropped. Busybox sh in the Alpine image.
 */
export function notifyScript(textfileDir = TEXTFILE): string {
    return [
        "#!/bin/sh",
        "set -eu",
        `dir=${textfileDir}`,
        'image=${DIUN_ENTRY_METADATA_IMAGE:?}; pinned=${DIUN_ENTRY_METADATA_PINNED:?}',
        'tag=${DIUN_ENTRY_IMAGE##*:}',
        'case $pinned in sha256:*) [ "${DIUN_ENTRY_DIGEST:-}" != "$pinned" ] || exit 0; tag=${DIUN_ENTRY_DIGEST:?} ;; esac',
        '[ "$tag" != "$pinned" ] || exit 0',
        // Label values are written unescaped: refuse anything a registry name or tag cannot contain.
        'case "$image$pinned$tag" in *[!A-Za-z0-9._:/@-]*) echo "diun notify: unexpected characters in $image $pinned $tag" >&2; exit 1 ;; esac',
        "file=\"$dir/monsterr_update_$(printf '%s' \"$image\" | tr -c 'A-Za-z0-9\\n' '_').prom\"",
        'series="{image=\\"$image\\",pinned=\\"$pinned\\","',
        `metric=${UPDATE_METRIC}`,
        'seen=$(grep -F "$metric$series" "$file" 2>/dev/null | grep -F "tag=\\"$tag\\"}" | cut -d" " -f2 || true)',
        'tmp=$(mktemp "$dir/.update.XXXXXX")',
        "{",
        '    echo "# HELP $metric When the update notifier first saw a tag newer than the pinned one (or the pinned digest move)."',
        '    echo "# TYPE $metric gauge"',
        '    grep -F "$metric$series" "$file" 2>/dev/null | grep -vF "tag=\\"$tag\\"}" || true',
        '    echo "$metric${series}tag=\\"$tag\\"} ${seen:-$(date +%s)}"',
        '} > "$tmp"',
        'chmod 0644 "$tmp"',
        'mv "$tmp" "$file"',
        "",
    ].join("\n");
}

/** A database per image list: a changed pin starts a fresh first check, which reports again what is still newer. */
export function startScript(dbName: string, dataDir = "/data"): string {
    return [
        "#!/bin/sh",
        "set -eu",
        `db=${dataDir}/${dbName}`,
        `for old in ${dataDir}/diun-*.db; do [ "$old" = "$db" ] || [ ! -e "$old" ] || rm -f "$old"; done`,
        // The image's ENV sets DIUN_DB_PATH, and Diun reads the environment after its file (internal/config/config.go).
        'export DIUN_DB_PATH="$db"',
        'exec "$@"',
        "",
    ].join("\n");
}

/** The pinned image of every enabled service, for the rules that join what Diun saw to what runs. */
export function pinnedInfo(pins: readonly Pin[]): string {
    const lines = [`# HELP ${PINNED_METRIC} The image each deployed service runs, as the stack pins it.`, `# TYPE ${PINNED_METRIC} gauge`];
    for (const { image, services } of pinnedImages(pins)) lines.push(`${PINNED_METRIC}{image="${image.repository}",pinned="${image.tag}",services="${services.join(",")}"} 1`);
    return `${lines.join("\n")}\n`;
}

/** What the stack runs: enabled services in catalog order, with the tag the stack resolved. */
function stackPins(ctx: FileContext): Pin[] {
    return CATALOG.filter((s) => ctx.enabled.includes(s.name)).map((s) => ({ name: s.name, image: ctx.config.services[s.name].image }));
}

export const diunFiles: FileBuilder = (ctx) => {
    const images = toYaml(diunImages(stackPins(ctx)));
    const dbName = `diun-${crypto.createHash("sha256").update(images).digest("hex").slice(0, 12)}.db`;
    return [
        { path: "etc/diun.yml", content: toYaml(diunConfig(ctx.config.monitoring)) },
        { path: "etc/images.yml", content: images },
        { path: "etc/notify.sh", content: notifyScript(), mode: "0755" },
        { path: "etc/start.sh", content: startScript(dbName), mode: "0755" },
    ];
};

export const nodeExporterFiles: FileBuilder = (ctx) => [{ path: "textfile/monsterr_images.prom", content: pinnedInfo(stackPins(ctx)) }];
