import { AppAccess } from "../../components/wiring/appClient";
import { ARR_APPS, LibraryApp, MASKED, ProviderObjectSpec, downloadClientSpec, libraryPath, prowlarrApplicationSpec, rootFolderSpec } from "../../components/wiring/arr";
import { ProviderObjectProps, ProviderObjectState, RootFolderProps, RootFolderState, providerObjectProvider, rootFolderProvider } from "../../components/wiring/arrProviders";
import { spec } from "../../config/catalog";
import { FakeArr, FakeArrApp } from "../support/fakeArr";

const KEY = "0123456789abcdef0123456789abcdef";
const LOGIN = { username: "monsterr", password: "qbt-password-123" };
const LIBRARY: LibraryApp[] = ["sonarr", "radarr", "lidarr", "readarr"];

function accessTo(fake: FakeArr): AppAccess {
    const port = spec(fake.app).port;
    return { connection: { kind: "http", url: "http://unused", targets: { [`${fake.app}:${port}`]: fake.url } }, app: fake.app, target: { host: fake.app, port }, headers: { "X-Api-Key": KEY } };
}

async function fake(app: FakeArrApp): Promise<FakeArr> {
    const f = new FakeArr(app, KEY);
    await f.listen();
    return f;
}

const p = providerObjectProvider as Required<typeof providerObjectProvider>;
const r = rootFolderProvider as Required<typeof rootFolderProvider>;

describe.each(LIBRARY)("%s download clients (against its OpenAPI spec)", (app) => {
    let f: FakeArr;
    beforeEach(async () => (f = await fake(app)));
    afterEach(async () => {
        expect(f.rejected).toEqual([]);
        await f.close();
    });

    it.each(["qbittorrent", "nzbget"] as const)("%s: created while its end is down, read back equal, no-op diff, drift and repair, masked password never a change, gone when deleted by hand", async (client) => {
        const props: ProviderObjectProps = { access: accessTo(f), app, spec: downloadClientSpec(app, client, LOGIN) };
        // The download client is not running yet: the app would refuse an enabled client on POST.
        const created = await p.create(props);
        expect(f.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
            `GET ${ARR_APPS[app].api}/downloadclient`,
            `POST ${ARR_APPS[app].api}/downloadclient`,
            `PUT ${ARR_APPS[app].api}/downloadclient/${created.id}?forceSave=true`,
        ]);
        const stored = f.objects.get("downloadclient")!.get(Number(created.id))!;
        expect(stored).toMatchObject({ enable: true, protocol: client === "qbittorrent" ? "torrent" : "usenet", implementation: client === "qbittorrent" ? "QBittorrent" : "Nzbget" });
        const field = (n: string) => stored.fields.find((x: { name: string }) => x.name === n)?.value;
        expect([field("host"), field("port"), field("username"), field("password"), field(ARR_APPS[app].categoryField)]).toEqual([client, client === "qbittorrent" ? 8080 : 6789, "monsterr", LOGIN.password, ARR_APPS[app].category]);

        const state = created.outs as ProviderObjectState;
        const read = await p.read(created.id, state);
        expect(read.props.drift).toEqual([]);
        expect(await p.diff(created.id, read.props, props)).toMatchObject({ changes: false });

        // By hand: the category changed and the client disabled; refresh sees both, the next up puts them back.
        f.edit("downloadclient", Number(created.id), (o) => {
            o.enable = false;
            o.fields.find((x: { name: string }) => x.name === ARR_APPS[app].categoryField).value = "other";
        });
        const drifted = await p.read(created.id, state);
        expect(drifted.props.drift).toEqual(["enabled", `fields.${ARR_APPS[app].categoryField}`]);
        expect((await p.diff(created.id, drifted.props, props)).changes).toBe(true);
        const before = f.writes.length;
        await p.update(created.id, drifted.props, props);
        expect(f.writes.slice(before).map((c) => c.method)).toEqual(["PUT"]);
        expect((await p.read(created.id, state)).props.drift).toEqual([]);
        expect(JSON.stringify(await fetch(`${f.url}${ARR_APPS[app].api}/downloadclient/${created.id}`, { headers: { "X-Api-Key": KEY } }).then((x) => x.json()))).toContain(MASKED);

        // A new password is a change (the stored inputs hold it; the app only shows the mask).
        const rotated = { ...props, spec: downloadClientSpec(app, client, { ...LOGIN, password: "new-password-456" }) };
        expect((await p.diff(created.id, read.props, rotated)).changes).toBe(true);

        f.objects.get("downloadclient")!.delete(Number(created.id));
        expect(await p.read(created.id, state)).toEqual({});
        await p.delete(created.id, state);
    });

    it("adopts a client of the same name instead of failing, and leaves it on destroy", async () => {
        const props: ProviderObjectProps = { access: accessTo(f), app, spec: downloadClientSpec(app, "qbittorrent", LOGIN) };
        f.objects.get("downloadclient")!.set(7, { id: 7, name: props.spec.name, implementation: "QBittorrent", configContract: "QBittorrentSettings", enable: false, protocol: "torrent", priority: 1, tags: [], fields: [] });
        const created = await p.create(props);
        expect(created.id).toBe("7");
        expect(f.writes.map((c) => c.method)).toEqual(["PUT"]);
        expect((created.outs as ProviderObjectState).adopted).toBe(true);
        await p.delete(created.id, created.outs);
        expect(f.objects.get("downloadclient")!.has(7)).toBe(true);
        // One it created is removed.
        const own = await p.create({ ...props, spec: downloadClientSpec(app, "nzbget", LOGIN) });
        await p.delete(own.id, own.outs);
        expect(f.objects.get("downloadclient")!.has(Number(own.id))).toBe(false);
    });

    it("a root folder under the media tree, with the default profiles Lidarr and Readarr need; adopted by path; a new path replaces it", async () => {
        f.existingPaths.add(libraryPath(app));
        const props: RootFolderProps = { access: accessTo(f), app, spec: rootFolderSpec(app) };
        const created = await r.create(props);
        const stored = f.objects.get("rootfolder")!.get(Number(created.id))!;
        expect(stored.path).toBe(`/data/media/${ARR_APPS[app].category}`);
        if (app === "lidarr" || app === "readarr") expect(stored).toMatchObject({ name: expect.any(String), defaultQualityProfileId: 1, defaultMetadataProfileId: 1 });
        const state = created.outs as RootFolderState;
        const read = await r.read(created.id, state);
        expect((read as { props: RootFolderState }).props.drift).toEqual([]);
        expect(await r.diff(created.id, read.props, props)).toMatchObject({ changes: false, replaces: [] });
        expect(await r.diff(created.id, read.props, { ...props, spec: { ...props.spec, path: "/data/media/other" } })).toMatchObject({ changes: true, replaces: ["spec.path"] });
        if (app === "lidarr" || app === "readarr") {
            f.edit("rootfolder", Number(created.id), (o) => (o.defaultQualityProfileId = 2));
            const drifted = (await r.read(created.id, state)) as { props: RootFolderState };
            expect(drifted.props.drift).toEqual(["defaultQualityProfileId"]);
            expect((await r.diff(created.id, drifted.props, props)).changes).toBe(true);
            await r.update(created.id, drifted.props, props);
            expect(f.objects.get("rootfolder")!.get(Number(created.id))!.defaultQualityProfileId).toBe(1);
        }
        // Adopted when the path is already a root folder (a second stack, or lost state).
        const again = await r.create(props);
        expect([again.id, (again.outs as RootFolderState).adopted]).toEqual([created.id, true]);
        f.objects.get("rootfolder")!.delete(Number(created.id));
        expect(await r.read(created.id, state)).toEqual({});
    });
});

describe("Prowlarr applications (against its OpenAPI spec)", () => {
    let f: FakeArr;
    beforeEach(async () => (f = await fake("prowlarr")));
    afterEach(async () => {
        expect(f.rejected).toEqual([]);
        await f.close();
    });

    it.each(LIBRARY)("%s: full sync over the backend network with the app's key, created before the app answers", async (app) => {
        const s: ProviderObjectSpec = prowlarrApplicationSpec(app, spec(app).port, 9696, "app-key-0123456789abcdef01234567");
        const props: ProviderObjectProps = { access: accessTo(f), app: "prowlarr", spec: s };
        const created = await p.create(props);
        const stored = f.objects.get("applications")!.get(Number(created.id))!;
        expect(stored).toMatchObject({ implementation: ARR_APPS[app].implementation, configContract: `${ARR_APPS[app].implementation}Settings`, syncLevel: "fullSync" });
        expect(Object.fromEntries(stored.fields.map((x: { name: string; value: unknown }) => [x.name, x.value]))).toEqual({ prowlarrUrl: "http://prowlarr:9696", baseUrl: `http://${app}:${spec(app).port}`, apiKey: "app-key-0123456789abcdef01234567" });
        const read = await p.read(created.id, created.outs);
        expect(read.props.drift).toEqual([]);
        expect((await p.diff(created.id, read.props, props)).changes).toBe(false);
        f.edit("applications", Number(created.id), (o) => (o.syncLevel = "addOnly"));
        expect((await p.read(created.id, created.outs)).props.drift).toEqual(["syncLevel"]);
    });
});

describe("the apps' test-on-create, as the fake models it", () => {
    it("refuses an enabled client whose end is down even with forceSave, and accepts it once reachable", async () => {
        const f = await fake("sonarr");
        try {
            const body = { name: "x", implementation: "QBittorrent", configContract: "QBittorrentSettings", enable: true, protocol: "torrent", priority: 1, tags: [], fields: [{ name: "host", value: "qbittorrent" }, { name: "port", value: 8080 }] };
            const post = () => fetch(`${f.url}/api/v3/downloadclient?forceSave=true`, { method: "POST", headers: { "X-Api-Key": KEY, "Content-Type": "application/json" }, body: JSON.stringify(body) });
            expect((await post()).status).toBe(400);
            f.reachable.add("qbittorrent:8080");
            expect((await post()).status).toBe(201);
            // Bodies the spec does not allow are refused: the contract tests would catch an unknown key.
            const bad = await fetch(`${f.url}/api/v3/downloadclient`, { method: "POST", headers: { "X-Api-Key": KEY, "Content-Type": "application/json" }, body: JSON.stringify({ ...body, name: "y", bookCategory: "x" }) });
            expect(bad.status).toBe(400);
            expect(f.rejected.splice(0)).toEqual([expect.stringContaining("must NOT have additional properties")]);
            expect((await fetch(`${f.url}/api/v3/downloadclient`)).status).toBe(401);
        } finally {
            await f.close();
        }
    });
});
