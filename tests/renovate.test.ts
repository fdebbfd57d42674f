import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../config/catalog";
import { SAME_MAJOR, VERSION_SCHEMES, greaterThanPattern, newerTagPattern, renovateVersioning } from "../config/catalog/versioning";

/**
 * renovate.json against the catalog, offline: its regex managers find every pinned image exactly once, and the
 * versioning each image gets can read its tag and orders the next ones right. Renovate itself needs Node 24, so its
 * versioning rules are restated here from Renovate 44.121.2 (lib/modules/versioning/regex/index.ts `_parse`,
 * lib/modules/versioning/generic.ts `_compare`, lib/modules/versioning/docker/index.ts `_parse`/`isCompatible`).
 */
const ROOT = path.join(__dirname, "..");
const config = JSON.parse(fs.readFileSync(path.join(ROOT, "renovate.json"), "utf8")) as {
    customManagers: { managerFilePatterns: string[]; matchStrings: string[]; datasourceTemplate: string }[];
    packageRules: { matchPackageNames?: string[]; versioning?: string; matchUpdateTypes?: string[]; enabled?: boolean }[];
};

interface Parsed {
    release: number[];
    prerelease?: string;
    compatibility?: string;
    suffix?: string;
}

/** Renovate's regex versioning `_parse`: build (and then revision) extend the release only when present. */
function regexParse(pattern: string, version: string): Parsed | null {
    const g = new RegExp(pattern).exec(version)?.groups;
    if (!g) return null;
    const release = [g.major, g.minor, g.patch].map((x) => (x === undefined ? 0 : Number.parseInt(x, 10)));
    if (g.build) {
        release.push(Number.parseInt(g.build, 10));
        if (g.revision) release.push(Number.parseInt(g.revision, 10));
    }
    return { release, prerelease: g.prerelease, compatibility: g.compatibility };
}

/** Renovate's docker versioning `_parse`: a leading v dropped, the part before the first `-` is the version. */
function dockerParse(version: string): Parsed | null {
    if (/^[a-f0-9]{7,40}$/.test(version) && !/^[0-9]+$/.test(version)) return null;
    const [prefix, ...suffix] = version.replace(/^v/, "").split("-");
    const m = /^(?<version>\d+(?:\.\d+)*)(?<prerelease>\w*)$/.exec(prefix ?? "")?.groups;
    return m ? { release: m.version.split(".").map(Number), prerelease: m.prerelease, suffix: suffix.join("-") } : null;
}

const dockerCompatible = (a: string, b: string) => {
    const [x, y] = [dockerParse(a), dockerParse(b)];
    return !!(x && y && x.suffix === y.suffix && x.release.length === y.release.length);
};

/** generic `_compare` on releases (missing parts are 0), then prerelease. */
function compare(a: Parsed, b: Parsed): number {
    for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
        const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
        if (d !== 0) return d;
    }
    if (a.prerelease && b.prerelease) return a.prerelease.localeCompare(b.prerelease, undefined, { numeric: true });
    return a.prerelease ? -1 : b.prerelease ? 1 : 0;
}

/** The versioning the package rules give an image: the last matching rule that sets one wins, as in Renovate. */
function versioningOf(image: string): (v: string) => Parsed | null {
    const rule = config.packageRules.filter((r) => r.versioning && r.matchPackageNames?.includes(image)).pop();
    if (!rule) return dockerParse;
    const pattern = rule.versioning!.replace(/^regex:/, "");
    return (v) => regexParse(pattern, v);
}

/** What the regex managers extract from the catalog files, as Renovate would (the same patterns). */
function extracted(): { file: string; depName: string; value: string }[] {
    const files = fs.readdirSync(path.join(ROOT, "config/catalog")).map((f) => `config/catalog/${f}`);
    const out: { file: string; depName: string; value: string }[] = [];
    for (const m of config.customManagers) {
        const matches = m.managerFilePatterns.map((p) => new RegExp(p.replace(/^\/|\/$/g, "")));
        for (const file of files.filter((f) => matches.some((r) => r.test(f)))) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const s of m.matchStrings) {
                for (const hit of text.matchAll(new RegExp(s, "g"))) out.push({ file, depName: hit.groups!.depName, value: hit.groups!.currentValue ?? hit.groups!.currentDigest });
            }
        }
    }
    return out;
}

describe("renovate.json", () => {
    const images = [...new Map(CATALOG.map((s) => [`${s.image.repository}:${s.image.tag}`, s.image])).values()];

    it("finds every image of the catalog exactly once, and nothing else", () => {
        const found = extracted().map((d) => `${d.depName}:${d.value}`);
        expect(found.sort()).toEqual(images.map((i) => `${i.repository}:${i.tag}`).sort());
        console.log(`renovate: ${found.length} images found of ${images.length} distinct images in the catalog (${CATALOG.length} services)`);
    });

    it("gives every tag a versioning that can read it (a digest pin tracks its tag's digest instead)", () => {
        for (const i of images.filter((x) => !x.tag.startsWith("sha256:"))) {
            expect({ image: i.repository, tag: i.tag, parsed: versioningOf(i.repository)(i.tag) !== null }).toEqual({ image: i.repository, tag: i.tag, parsed: true });
            // Under Docker versioning a suffix must stay the same: a build number there would block every update.
            if (versioningOf(i.repository) === dockerParse) expect({ image: i.repository, suffix: dockerParse(i.tag)!.suffix }).not.toEqual({ image: i.repository, suffix: expect.stringMatching(/\d/) });
        }
    });

    it("orders linuxserver builds by app version, then build, where Docker versioning would never update them", () => {
        const sonarr = versioningOf("lscr.io/linuxserver/sonarr");
        const seq = ["4.0.19.2979-ls316", "4.0.19.2979-ls317", "4.0.20.3001-ls318", "5.0.0.100-ls320"].map((t) => sonarr(t)!);
        for (let i = 1; i < seq.length; i++) expect(compare(seq[i], seq[i - 1])).toBeGreaterThan(0);
        expect(dockerCompatible("4.0.19.2979-ls316", "4.0.19.2979-ls317")).toBe(false);
    });

    it("does not let Plex's commit hash block an update, and keeps qBittorrent on its libtorrent line", () => {
        const plex = versioningOf("lscr.io/linuxserver/plex");
        const [a, b] = [plex("1.43.3.10828-00f62d37d-ls315")!, plex("1.43.4.10900-1a2b3c4d5-ls316")!];
        expect(a.compatibility).toBe(b.compatibility);
        expect(compare(b, a)).toBeGreaterThan(0);
        const qbt = versioningOf("lscr.io/linuxserver/qbittorrent");
        expect(qbt("5.2.4_v2.0.14-ls470")!.compatibility).toBe(qbt("5.2.3_v2.0.13-ls469")!.compatibility);
        expect(qbt("5.2.4_v1.2.20-ls470")!.compatibility).not.toBe(qbt("5.2.3_v2.0.13-ls469")!.compatibility);
    });

    it("spells each tag scheme of config/catalog/versioning.ts as its package rule does, and keeps the same majors", () => {
        const ruled = config.packageRules.filter((r) => r.versioning).flatMap((r) => r.matchPackageNames!.map((p) => ({ p, v: r.versioning })));
        expect(Object.fromEntries(ruled.map(({ p, v }) => [p, v]))).toEqual(Object.fromEntries(Object.entries(VERSION_SCHEMES).map(([p, s]) => [p, renovateVersioning(s)])));
        const held = config.packageRules.filter((r) => r.enabled === false && r.matchUpdateTypes?.includes("major")).flatMap((r) => r.matchPackageNames!);
        expect(held.sort()).toEqual([...SAME_MAJOR].sort());
    });

    it("matches a number greater than any given one, and no other", () => {
        for (const v of [0, 1, 7, 9, 10, 19, 99, 100, 316, 909, 2979, 10828]) {
            const re = new RegExp(`^${greaterThanPattern(String(v))}$`);
            for (let x = 0; x < 12000; x += x < 400 ? 1 : 37) expect({ v, x, match: re.test(String(x)) }).toEqual({ v, x, match: x > v });
        }
    });

    it("has the update notifier watch exactly the tags Renovate would propose over each pinned one", () => {
        let checked = 0;
        for (const i of images.filter((x) => !x.tag.startsWith("sha256:"))) {
            const pattern = newerTagPattern(i);
            expect({ image: i.repository, pattern: typeof pattern }).toEqual({ image: i.repository, pattern: "string" });
            const re = new RegExp(pattern!);
            const parse = versioningOf(i.repository);
            const pinned = parse(i.tag)!;
            const compatible = (t: string) => {
                if (parse === dockerParse) return dockerCompatible(t, i.tag);
                return parse(t)!.compatibility === pinned.compatibility;
            };
            for (const t of variants(i.tag)) {
                const p = parse(t);
                const newer = !!p && compatible(t) && compare(p, pinned) > 0 && (!SAME_MAJOR.includes(i.repository) || p.release[0] === pinned.release[0]);
                expect({ image: i.repository, tag: t, watched: re.test(t) }).toEqual({ image: i.repository, tag: t, watched: newer });
                checked++;
            }
        }
        console.log(`update notifier: ${checked} candidate tags checked against Renovate's ordering`);
    });
});

/** Tags around a pinned one: each number (one or two at a time) set lower, equal, higher, longer, or to 0. */
function variants(tag: string): string[] {
    const runs = [...tag.matchAll(/\d+/g)].map((m) => ({ at: m.index!, text: m[0] }));
    const options = (v: string) => [...new Set([0, Number(v) - 1, Number(v) + 1, Number(v) + 9, Number(v) * 10 + 1].filter((x) => x >= 0).map(String))];
    const apply = (changes: Map<number, string>) => {
        let out = "";
        let last = 0;
        runs.forEach((r, i) => {
            out += tag.slice(last, r.at) + (changes.get(i) ?? r.text);
            last = r.at + r.text.length;
        });
        return out + tag.slice(last);
    };
    const out = new Set<string>();
    runs.forEach((a, i) => {
        for (const x of options(a.text)) {
            out.add(apply(new Map([[i, x]])));
            runs.forEach((b, j) => {
                if (j > i) for (const y of options(b.text)) out.add(apply(new Map([[i, x], [j, y]])));
            });
        }
    });
    return [...out];
}
