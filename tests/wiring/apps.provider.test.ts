import { AppAccess } from "../../components/wiring/appClient";
import { ABS_LIBRARIES, AbsLibraryState, AbsRootState, absLibraryProvider, absRootProvider } from "../../components/wiring/audiobookshelf";
import { ORGANIZR_GROUPS, OrganizrSetupSpec, OrganizrTabState, TAB_NEW_WINDOW, organizrSetupProvider, organizrTabProvider, wizardBody } from "../../components/wiring/organizr";
import { SeerrLinkState, seerrLinkProvider, seerrServerSpec } from "../../components/wiring/seerr";
import { FakeAudiobookshelf, FakeOrganizr, FakeSeerr } from "../support/fakeApps";

const access = (app: string, url: string, port: number, headers: Record<string, string> = {}): AppAccess => ({
    connection: { kind: "http", url: "http://unused", targets: { [`${app}:${port}`]: url } },
    app,
    target: { host: app, port },
    headers,
});

const absRoot = absRootProvider as Required<typeof absRootProvider>;
const absLib = absLibraryProvider as Required<typeof absLibraryProvider>;
const setup = organizrSetupProvider as Required<typeof organizrSetupProvider>;
const tab = organizrTabProvider as Required<typeof organizrTabProvider>;

describe("Audiobookshelf (against a stand-in following its source and OpenAPI spec)", () => {
    let f: FakeAudiobookshelf;
    let a: AppAccess;
    const root = { username: "admin", password: "generated-root-password-0123456789" };
    beforeEach(async () => {
        f = new FakeAudiobookshelf();
        a = access("audiobookshelf", await f.listen(), 80);
    });
    afterEach(async () => {
        expect(f.rejected).toEqual([]);
        await f.close();
    });

    it("creates the root user before anyone else can, sees a password changed by hand, rotates, and refuses a root it cannot open", async () => {
        const created = await absRoot.create({ access: a, root });
        expect(f.root).toEqual(root);
        expect((await absRoot.read(created.id, created.outs)).props).toMatchObject({ current: true });
        expect((await absRoot.diff(created.id, created.outs, { access: a, root })).changes).toBe(false);
        // Rotation: the stack's new password replaces the old one through the API.
        const rotated = { ...root, password: "another-root-password-0123456789" };
        expect((await absRoot.diff(created.id, created.outs, { access: a, root: rotated })).changes).toBe(true);
        await absRoot.update(created.id, created.outs as AbsRootState, { access: a, root: rotated });
        expect(f.root!.password).toBe(rotated.password);
        // Changed by hand: refresh says so; the next up cannot recover it and says how.
        f.root!.password = "set-by-hand";
        const read = await absRoot.read(created.id, { ...created.outs, root: rotated });
        expect(read.props).toMatchObject({ current: false });
        expect((await absRoot.diff(created.id, read.props, { access: a, root: rotated })).changes).toBe(true);
        await expect(absRoot.update(created.id, read.props as AbsRootState, { access: a, root: rotated })).rejects.toThrow(/already has a root user whose password is not the stack's/);
    });

    it("libraries for audiobooks and podcasts: created, read back equal, no-op diff, drift repaired, adopted by name, gone when deleted by hand", async () => {
        await absRoot.create({ access: a, root });
        for (const spec of ABS_LIBRARIES) {
            const props = { access: a, root, spec };
            const created = await absLib.create(props);
            expect(f.libraries.get(created.id)).toMatchObject({ name: spec.name, mediaType: spec.mediaType, folders: [{ fullPath: spec.folders[0] }] });
            const read = await absLib.read(created.id, created.outs);
            expect((read.props as AbsLibraryState).drift).toEqual([]);
            expect((await absLib.diff(created.id, read.props, props)).changes).toBe(false);
            f.libraries.get(created.id)!.folders = [{ id: "x", fullPath: "/elsewhere" }];
            const drifted = await absLib.read(created.id, created.outs);
            expect((drifted.props as AbsLibraryState).drift).toEqual(["folders"]);
            await absLib.update(created.id, drifted.props, props);
            expect(f.libraries.get(created.id)!.folders).toEqual([{ id: "fol_0", fullPath: spec.folders[0] }]);
            const again = await absLib.create(props);
            expect([again.id, (again.outs as AbsLibraryState).adopted]).toEqual([created.id, true]);
        }
        const [audiobooks] = [...f.libraries.keys()];
        f.libraries.delete(audiobooks);
        expect(await absLib.read(audiobooks, { access: a, root, spec: ABS_LIBRARIES[0], drift: [], adopted: false })).toEqual({});
        expect((await absLib.diff("x", { access: a, root, spec: ABS_LIBRARIES[0], drift: [], adopted: false }, { access: a, root, spec: { ...ABS_LIBRARIES[0], mediaType: "podcast" } })).replaces).toEqual(["spec.mediaType"]);
    });
});

describe("Organizr (against a stand-in following its source)", () => {
    let f: FakeOrganizr;
    let url: string;
    const spec: OrganizrSetupSpec = { username: "admin", email: "me@example.com", password: "organizr-admin-password-01234567", apiKey: "abcdefghij0123456789", hashKey: "hash-key-0123456789abcdef", registrationPassword: "registration-0123456789" };
    beforeEach(async () => {
        f = new FakeOrganizr();
        url = await f.listen();
    });
    afterEach(() => f.close());

    it("runs the setup wizard once with the generated secrets; never again on an Organizr already set up; says how to recover another key", async () => {
        const a = access("organizr", url, 80, { Token: spec.apiKey });
        const created = await setup.create({ access: a, spec });
        expect(f.config).toMatchObject({ license: "personal", api: spec.apiKey, username: "admin", password: spec.password, dbName: "organizr", dbPath: "/config/www/db/" });
        expect((await setup.read(created.id, created.outs)).props).toMatchObject({ current: true });
        // A second stack (or lost state) against the same Organizr: adopts it, and never reruns the wizard.
        await setup.create({ access: a, spec });
        expect(f.wizardRuns).toBe(1);
        await expect(setup.create({ access: access("organizr", url, 80, { Token: "zzzzzzzzzz0123456789" }), spec: { ...spec, apiKey: "zzzzzzzzzz0123456789" } })).rejects.toThrow(/already set up with an API key that is not the stack's/);
        expect(f.wizardRuns).toBe(1);
        expect(() => wizardBody({ ...spec, apiKey: "short" })).toThrow(/exactly 20 characters/);
    });

    it("one tab per app: shown (Organizr hides new tabs), a new window, for the right group; drift repaired; adopted by name; removed on delete", async () => {
        const a = access("organizr", url, 80, { Token: spec.apiKey });
        await setup.create({ access: a, spec });
        const props = { access: a, spec: { name: "Sonarr", url: "https://sonarr.media.example.com", image: "plugins/images/tabs/sonarr.png", group_id: ORGANIZR_GROUPS.admins } };
        const created = await tab.create(props);
        expect(f.tabs.get(Number(created.id))).toMatchObject({ name: "Sonarr", url: props.spec.url, enabled: 1, type: TAB_NEW_WINDOW, group_id: 0 });
        const read = await tab.read(created.id, created.outs);
        expect((read.props as OrganizrTabState).drift).toEqual([]);
        expect((await tab.diff(created.id, read.props, props)).changes).toBe(false);
        f.tabs.get(Number(created.id))!.enabled = 0;
        const drifted = await tab.read(created.id, created.outs);
        expect((drifted.props as OrganizrTabState).drift).toEqual(["enabled"]);
        await tab.update(created.id, drifted.props, props);
        expect(f.tabs.get(Number(created.id))!.enabled).toBe(1);
        const again = await tab.create(props);
        expect([again.id, (again.outs as OrganizrTabState).adopted]).toEqual([created.id, true]);
        await tab.delete(created.id, created.outs);
        expect(f.tabs.size).toBe(0);
        expect(await tab.read(created.id, created.outs)).toEqual({});
    });
});

describe("Seerr -> Sonarr and Radarr (against a stand-in checked with seerr-api.yml)", () => {
    const seerr = seerrLinkProvider as Required<typeof seerrLinkProvider>;
    let f: FakeSeerr;
    let a: AppAccess;
    beforeEach(async () => {
        f = new FakeSeerr("seerrkey0123456789abcdef01234567");
        a = access("overseerr", await f.listen(), 5055, { "X-Api-Key": f.apiKey });
    });
    afterEach(async () => {
        expect(f.rejected).toEqual([]);
        await f.close();
    });

    it.each([["sonarr", 8989, "/data/media/tv"], ["radarr", 7878, "/data/media/movies"]] as const)("%s: pending (no write, no failure) until the first sign-in, then made by the next up; read back, drift, delete", async (app, port, dir) => {
        const props = { access: a, app, spec: seerrServerSpec(app, port, "arr-key", dir, `https://${app}.media.example.com`) };
        const first = await seerr.create(props);
        expect(first.outs).toMatchObject({ pending: true });
        expect(f.writes).toEqual([]);
        // Every up retries a pending link: Pulumi replaces it (a new id), which writes nothing while Seerr has no admin.
        expect(await seerr.diff(first.id, first.outs, props)).toMatchObject({ changes: true, replaces: ["pending"] });
        f.admin = true;
        const made = await seerr.create(props);
        expect(made.outs).toMatchObject({ pending: false, adopted: false });
        expect(f.servers[app]).toEqual([{ ...props.spec, id: 0 }]);
        const read = await seerr.read(made.id, made.outs);
        expect((read.props as SeerrLinkState).drift).toEqual([]);
        expect((await seerr.diff(made.id, read.props, props)).changes).toBe(false);
        f.servers[app][0].activeDirectory = "/elsewhere";
        expect(((await seerr.read(made.id, made.outs)).props as SeerrLinkState).drift).toEqual(["activeDirectory"]);
        await seerr.update(made.id, made.outs as SeerrLinkState, props);
        expect(f.servers[app][0].activeDirectory).toBe(dir);
        await seerr.delete(made.id, made.outs);
        expect(f.servers[app]).toEqual([]);
        expect(await seerr.read(made.id, made.outs)).toEqual({});
    });
});
