import * as pulumi from "@pulumi/pulumi";
import { absLibraryProvider, absRootProvider } from "../../components/wiring/audiobookshelf";
import { providerObjectProvider, rootFolderProvider } from "../../components/wiring/arrProviders";
import { bazarrLinkProvider } from "../../components/wiring/bazarr";
import { organizrSetupProvider, organizrTabProvider } from "../../components/wiring/organizr";
import { seerrLinkProvider } from "../../components/wiring/seerr";
import { ApiConnection } from "../../components/transport";
import { FakeArr, FakeArrApp } from "../support/fakeArr";
import { FakeAudiobookshelf, FakeOrganizr, FakeSeerr } from "../support/fakeApps";
import { FakeBazarr } from "../support/fakeBazarr";
import { PlannedResource } from "../../scripts/offline";
import { isSecret, plan, reveal } from "../support/plan";

const DYNAMIC = "pulumi-nodejs:dynamic/monsterr:";
const PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    ArrProviderObject: providerObjectProvider,
    ArrRootFolder: rootFolderProvider,
    BazarrArrLink: bazarrLinkProvider,
    AbsRoot: absRootProvider,
    AbsLibrary: absLibraryProvider,
    OrganizrSetup: organizrSetupProvider,
    OrganizrTab: organizrTabProvider,
    SeerrArrLink: seerrLinkProvider,
};
const linksOf = (resources: PlannedResource[]) => resources.filter((r) => r.type.startsWith(DYNAMIC) && Object.keys(PROVIDERS).includes(r.type.slice(DYNAMIC.length)));

/** Every link of the prod stack by its resource name: what the README's table promises. */
const PROD_LINKS = [
    "prowlarr-to-sonarr", "prowlarr-to-radarr", "prowlarr-to-lidarr", "prowlarr-to-readarr",
    ...["sonarr", "radarr", "lidarr", "readarr"].flatMap((a) => [`${a}-to-qbittorrent`, `${a}-to-nzbget`, `${a}-root-folder`]),
    "bazarr-to-sonarr", "bazarr-to-radarr",
    "overseerr-to-sonarr", "overseerr-to-radarr",
    "audiobookshelf-root-user", "audiobookshelf-library-audiobooks", "audiobookshelf-library-podcasts",
    "organizr-setup",
    ...["plex", "sonarr", "radarr", "lidarr", "bazarr", "qbittorrent", "nzbget", "prowlarr", "readarr", "calibre", "audiobookshelf", "prometheus", "grafana", "tautulli", "portainer", "alertmanager", "overseerr", "watchlist"].map((s) => `organizr-tab-${s}`),
].map((n) => `monsterr-wiring-${n}`);

describe("the wiring in the plan", () => {
    it("prod: every link, each under the app it configures, every input holding a secret kept a secret", async () => {
        const p = await plan("prod");
        const links = linksOf(p.resources);
        expect(links.map((l) => l.name).sort()).toEqual([...PROD_LINKS].sort());
        for (const l of links) {
            const app = l.name.replace("monsterr-wiring-", "").split("-")[0];
            expect({ link: l.name, parent: l.parent }).toEqual({ link: l.name, parent: `monsterr-wiring-${app === "audiobookshelf" || app === "organizr" ? app : app}` });
            expect({ link: l.name, access: isSecret(l.inputs.access) }).toEqual({ link: l.name, access: true });
        }
        for (const name of ["prowlarr-to-sonarr", "sonarr-to-qbittorrent", "bazarr-to-sonarr", "organizr-setup"]) expect(isSecret(p.resources.find((r) => r.name === `monsterr-wiring-${name}`)!.inputs[name.startsWith("bazarr") ? "settings" : "spec"])).toBe(true);
    });

    it("waits for both ends: a link depends on the containers of the app it configures and the app it points at", async () => {
        const p = await plan("prod");
        const waits = p.waitsFor("monsterr-wiring-sonarr-to-qbittorrent");
        expect([...waits].filter((n) => n.endsWith("-container")).sort()).toEqual(expect.arrayContaining(["monsterr-downloads-qbittorrent-container", "monsterr-media-sonarr-container"]));
        expect(p.waitsFor("monsterr-wiring-audiobookshelf-library-podcasts").has("monsterr-wiring-audiobookshelf-root-user")).toBe(true);
        expect(p.waitsFor("monsterr-wiring-organizr-tab-sonarr").has("monsterr-wiring-organizr-setup")).toBe(true);
    });

    it("disabling an app removes exactly its links, and no link points at a disabled app", async () => {
        const p = await plan("prod", { services: { lidarr: { enabled: false }, nzbget: { enabled: false } } });
        const names = linksOf(p.resources).map((l) => l.name);
        const gone = PROD_LINKS.filter((n) => !names.includes(n));
        expect(gone.sort()).toEqual(
            ["prowlarr-to-lidarr", "lidarr-to-qbittorrent", "lidarr-to-nzbget", "lidarr-root-folder", "sonarr-to-nzbget", "radarr-to-nzbget", "readarr-to-nzbget", "organizr-tab-lidarr", "organizr-tab-nzbget"].map((n) => `monsterr-wiring-${n}`).sort(),
        );
        expect(names.filter((n) => !PROD_LINKS.includes(n))).toEqual([]);
    });
});

describe("the whole prod wiring against stand-ins of every app", () => {
    it("creates every link, then a no-op up and a refresh send no write to any app", async () => {
        const p = await plan("prod");
        const links = linksOf(p.resources).map((r) => ({ name: r.name, kind: r.type.slice(DYNAMIC.length), inputs: reveal(Object.fromEntries(Object.entries(r.inputs).filter(([k]) => k !== "__provider"))) as Record<string, any> }));
        const key = (l: (typeof links)[number]) => Object.values(l.inputs.access.headers as Record<string, string>)[0];
        const fakes = new Map<string, FakeArr | FakeBazarr | FakeAudiobookshelf | FakeOrganizr | FakeSeerr>();
        for (const l of links) {
            const app = l.inputs.access.app as string;
            if (fakes.has(app)) continue;
            const f = ["sonarr", "radarr", "lidarr", "readarr", "prowlarr"].includes(app) ? new FakeArr(app as FakeArrApp, key(l)) : app === "bazarr" ? new FakeBazarr(key(l)) : app === "audiobookshelf" ? new FakeAudiobookshelf() : app === "overseerr" ? Object.assign(new FakeSeerr(key(l)), { admin: true }) : new FakeOrganizr();
            if (f instanceof FakeArr) for (const c of ["tv", "movies", "music", "books"]) f.existingPaths.add(`/data/media/${c}`);
            await f.listen();
            fakes.set(app, f);
        }
        const targets = Object.fromEntries(links.map((l) => [`${l.inputs.access.target.host}:${l.inputs.access.target.port}`, fakes.get(l.inputs.access.app)!.url]));
        const connection: ApiConnection = { kind: "http", url: "http://unused", targets };
        const withFakes = (inputs: Record<string, any>) => ({ ...inputs, access: { ...inputs.access, connection } });
        try {
            // Setups before what logs in with them: the plan's dependencies, in short.
            const order = [...links].sort((a, b) => Number(/Root$|Setup$/.test(b.kind)) - Number(/Root$|Setup$/.test(a.kind)));
            const state = new Map<string, { id: string; outs: any; inputs: any; provider: Required<pulumi.dynamic.ResourceProvider> }>();
            const count = () => [...fakes.values()].reduce((n, f) => n + f.calls.length, 0);
            const writes = () => [...fakes.values()].reduce((n, f) => n + f.writes.length, 0);
            const perCreate: Record<string, number> = {};
            for (const l of order) {
                const provider = PROVIDERS[l.kind] as Required<pulumi.dynamic.ResourceProvider>;
                const before = count();
                const r = await provider.create(withFakes(l.inputs));
                perCreate[l.kind] = Math.max(perCreate[l.kind] ?? 0, count() - before);
                state.set(l.name, { id: r.id, outs: r.outs, inputs: withFakes(l.inputs), provider });
            }
            const created = { requests: count(), writes: writes() };
            // A no-op up: the engine asks each provider for a diff with the same inputs.
            for (const [name, s] of state) expect({ name, changes: (await s.provider.diff(s.id, s.outs, s.inputs)).changes }).toEqual({ name, changes: false });
            expect({ requests: count(), writes: writes() }).toEqual(created);
            // A refresh reads each link back; still no write, and nothing found to repair.
            for (const [name, s] of state) {
                const read = await s.provider.read(s.id, s.outs);
                expect({ name, drift: read.props?.drift ?? [], current: read.props?.current ?? true }).toEqual({ name, drift: [], current: true });
            }
            expect(writes()).toBe(created.writes);
            for (const f of fakes.values()) expect((f as { rejected?: string[] }).rejected ?? []).toEqual([]);
            console.log(`wiring: ${links.length} links; create ${created.requests} requests (${created.writes} writes); no-op up 0 requests; refresh ${count() - created.requests} requests, 0 writes; most requests for one link on create: ${JSON.stringify(perCreate)}`);
        } finally {
            for (const f of fakes.values()) await f.close();
        }
    });
});
