import { AppAccess } from "../../components/wiring/appClient";
import { BazarrLinkProps, BazarrLinkState, bazarrArrSettings, bazarrForm, bazarrLinkProvider } from "../../components/wiring/bazarr";
import { FakeBazarr } from "../support/fakeBazarr";

const KEY = "bazarrkey0123456789abcdefghijklm";
const p = bazarrLinkProvider as Required<typeof bazarrLinkProvider>;

describe("Bazarr -> Sonarr and Radarr (against a stand-in of its settings API)", () => {
    let f: FakeBazarr;
    let access: AppAccess;
    beforeEach(async () => {
        f = new FakeBazarr(KEY);
        access = { connection: { kind: "http", url: "http://unused", targets: { "bazarr:6767": await f.listen() } }, app: "bazarr", target: { host: "bazarr", port: 6767 }, headers: { "X-API-KEY": KEY } };
    });
    afterEach(() => f.close());

    it.each([["sonarr", 8989], ["radarr", 7878]] as const)("%s: set, read back equal, no-op diff, drift on a hand edit, repaired, unset on delete", async (app, port) => {
        const props: BazarrLinkProps = { access, app, settings: bazarrArrSettings(app, port, "arrkey0123456789abcdef0123456789") };
        const created = await p.create(props);
        expect(f.settings.general[`use_${app}`]).toBe(true);
        expect(f.settings[app]).toEqual({ ip: app, port, base_url: "/", ssl: false, apikey: "arrkey0123456789abcdef0123456789" });
        const read = await p.read(created.id, created.outs);
        expect((read.props as BazarrLinkState).drift).toEqual([]);
        expect((await p.diff(created.id, read.props, props)).changes).toBe(false);
        f.settings[app].port = 1234;
        f.settings.general[`use_${app}`] = false;
        const drifted = await p.read(created.id, created.outs);
        expect((drifted.props as BazarrLinkState).drift).toEqual([`general.use_${app}`, `${app}.port`]);
        expect((await p.diff(created.id, drifted.props, props)).changes).toBe(true);
        await p.update(created.id, drifted.props, props);
        expect([f.settings[app].port, f.settings.general[`use_${app}`]]).toEqual([port, true]);
        await p.delete(created.id, created.outs);
        expect(f.settings.general[`use_${app}`]).toBe(false);
        expect(f.writes).toHaveLength(3);
    });

    it("refuses an all-digit key before Bazarr would (it casts posted values to int, then answers 406)", async () => {
        expect(() => bazarrArrSettings("sonarr", 8989, "01234567890123456789012345678901")).toThrow(/all digits/);
        const res = await fetch(`${f.url}/api/system/settings`, { method: "POST", headers: { "X-API-KEY": KEY, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(bazarrForm("sonarr", { ip: "sonarr", port: 8989, base_url: "/", ssl: false, apikey: "0123" })).toString() });
        expect(res.status).toBe(406);
    });
});
