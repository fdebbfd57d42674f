/**
 * How each pinned image's tags are ordered, written once: renovate.json's `regex:` versionings are these schemes
 * serialized (tests/renovate.test.ts keeps them equal), and the update notifier watches exactly the tags these
 * schemes call newer than the pinned one (`newerTagPattern`).
 */
import { ImageRef } from "./types";

/** Renovate's release parts, in the order it compares them (lib/modules/versioning/regex). */
const PRECEDENCE = ["major", "minor", "patch", "build", "revision"] as const;
type Part = (typeof PRECEDENCE)[number];

export type Token =
    /** A number compared against the pinned one. */
    | { num: Part }
    /** Must equal the pinned tag's (Renovate's `compatibility`: another line, not a newer version). */
    | { same: string }
    /** Anything of this shape; not compared (a commit hash, a dependency's patch). */
    | { any: string }
    | { lit: string };

export interface VersionScheme {
    tokens: Token[];
    /** Only updates within the pinned major line are wanted (renovate.json turns majors off). */
    sameMajor?: boolean;
}

const n = (num: Part): Token => ({ num });
const lit = (s: string): Token => ({ lit: s });
const LS_APP = [n("major"), lit("."), n("minor"), lit("."), n("patch"), lit("."), n("build"), lit("-ls"), n("revision")];

/** Images whose tags Docker versioning reads wrong (build numbers in a suffix, a hash, a second version). */
export const VERSION_SCHEMES: Readonly<Record<string, VersionScheme>> = {
    "lscr.io/linuxserver/sonarr": { tokens: LS_APP },
    "lscr.io/linuxserver/radarr": { tokens: LS_APP },
    "lscr.io/linuxserver/lidarr": { tokens: LS_APP },
    "lscr.io/linuxserver/prowlarr": { tokens: LS_APP },
    "lscr.io/linuxserver/plex": {
        tokens: [n("major"), lit("."), n("minor"), lit("."), n("patch"), lit("."), n("build"), lit("-"), { any: "[0-9a-f]{9}" }, lit("-ls"), n("revision")],
    },
    "lscr.io/linuxserver/qbittorrent": {
        tokens: [n("major"), lit("."), n("minor"), lit("."), n("patch"), lit("_v"), { same: "\\d+\\.\\d+" }, lit("."), { any: "\\d+" }, lit("-ls"), n("build")],
    },
    "lscr.io/linuxserver/calibre": { tokens: [lit("v"), n("major"), lit("."), n("minor"), lit("."), n("patch"), lit("-ls"), n("build")] },
    "lscr.io/linuxserver/bazarr": { tokens: [lit("v"), n("major"), lit("."), n("minor"), lit("."), n("patch"), lit("-ls"), n("build")] },
    "lscr.io/linuxserver/nzbget": { tokens: [lit("v"), n("major"), lit("."), n("minor"), lit("-ls"), n("build")] },
    "ghcr.io/pennydreadful/bookshelf": { tokens: [lit("hardcover-v"), n("major"), lit("."), n("minor"), lit("."), n("patch")] },
};

/** Images Renovate keeps on their major line. */
export const SAME_MAJOR: readonly string[] = ["redis"];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The scheme as renovate.json's `versioning` spells it. */
export function renovateVersioning(scheme: VersionScheme): string {
    const body = scheme.tokens
        .map((t) => ("num" in t ? `(?<${t.num}>\\d+)` : "same" in t ? `(?<compatibility>${t.same})` : "any" in t ? t.any : escape(t.lit)))
        .join("");
    return `regex:^${body}$`;
}

/**
 * Renovate's Docker versioning as a scheme for one tag: an optional `v`, numbers up to the first `-` compared in
 * order, the rest a suffix that must stay the same (lib/modules/versioning/docker).
 */
function dockerScheme(tag: string): VersionScheme | undefined {
    const m = /^(v?)(\d+(?:\.\d+)*)(-.*)?$/.exec(tag);
    // Zero-padded numbers (2024.06) order as text, not as numbers; more parts than Renovate names cannot be compared.
    if (!m || m[2].split(".").some((p) => /^0\d/.test(p)) || m[2].split(".").length > PRECEDENCE.length) return undefined;
    const tokens: Token[] = m[1] ? [lit("v")] : [];
    m[2].split(".").forEach((_, i) => tokens.push(...(i ? [lit(".")] : []), { num: PRECEDENCE[i] }));
    if (m[3]) tokens.push(lit(m[3]));
    return { tokens };
}

export function schemeOf(image: ImageRef): VersionScheme | undefined {
    if (image.tag.startsWith("sha256:")) return undefined;
    const explicit = VERSION_SCHEMES[image.repository];
    const scheme = explicit ?? dockerScheme(image.tag);
    return scheme && SAME_MAJOR.includes(image.repository) ? { ...scheme, sameMajor: true } : scheme;
}

/** A regex for the whole numbers greater than `value` (no leading zeros), RE2 and JavaScript alike. */
export function greaterThanPattern(value: string): string {
    const v = value.replace(/^0+(?=\d)/, "");
    const k = v.length;
    const alts = [`[1-9]\\d{${k},}`];
    for (let j = 0; j < k; j++) {
        const d = Number(v[j]);
        if (d === 9) continue;
        const rest = k - j - 1;
        alts.push(`${v.slice(0, j)}${d + 1 === 9 ? "9" : `[${d + 1}-9]`}${rest ? `\\d{${rest}}` : ""}`);
    }
    return `(?:${alts.join("|")})`;
}

/**
 * An anchored regex (Go RE2, which Diun uses, and JavaScript) matching exactly the tags the scheme orders after the
 * pinned one on the same line: for some compared number, all before it equal, it greater, the rest any. Undefined for
 * a digest pin or a tag the scheme cannot read.
 */
export function newerTagPattern(image: ImageRef): string | undefined {
    const scheme = schemeOf(image);
    if (!scheme) return undefined;
    const groups = new RegExp(renovateVersioning(scheme).replace(/^regex:/, "")).exec(image.tag)?.groups;
    if (!groups) return undefined;
    const nums = scheme.tokens.filter((t): t is { num: Part } => "num" in t).map((t) => t.num);
    if (nums.some((p, i) => i > 0 && PRECEDENCE.indexOf(p) <= PRECEDENCE.indexOf(nums[i - 1]))) throw new Error(`${image.repository}: version parts out of order`);
    const alternatives: string[] = [];
    nums.forEach((pivot, pivotIndex) => {
        if (scheme.sameMajor && pivot === "major") return;
        const body = scheme.tokens.map((t) => {
            if ("lit" in t) return escape(t.lit);
            if ("any" in t) return t.any;
            if ("same" in t) return escape(groups.compatibility);
            const i = nums.indexOf(t.num);
            return i < pivotIndex ? groups[t.num] : i === pivotIndex ? greaterThanPattern(groups[t.num]) : "\\d+";
        });
        alternatives.push(body.join(""));
    });
    return alternatives.length ? `^(?:${alternatives.join("|")})$` : undefined;
}
