import * as pulumi from "@pulumi/pulumi";
import { PLEX_PREFERENCES, PlexTokenState, plexTokenFromPreferences, plexTokenProvider } from "../../components/wiring/plex";
import { tautulliPlexEnv } from "../../components/wiring/tautulli";
import { ApiConnection } from "../../components/transport";

const p = plexTokenProvider as Required<typeof plexTokenProvider>;
/** Preferences.xml as Plex Media Server writes it once claimed (attributes on one element). */
const CLAIMED = '<?xml version="1.0" encoding="utf-8"?>\n<Preferences OldestPreviousVersion="1.43.3" MachineIdentifier="abc" ProcessedMachineIdentifier="def" PlexOnlineUsername="me" PlexOnlineToken="tok-123_ABC" PlexOnlineMail="me@example.com" AcceptedEULA="1"/>\n';
const UNCLAIMED = '<?xml version="1.0" encoding="utf-8"?>\n<Preferences OldestPreviousVersion="1.43.3" MachineIdentifier="abc" AcceptedEULA="1"/>\n';

describe("the Plex token", () => {
    it("is read from Preferences.xml once the server is claimed, and is empty before", () => {
        expect(plexTokenFromPreferences(CLAIMED)).toBe("tok-123_ABC");
        expect(plexTokenFromPreferences(UNCLAIMED)).toBe("");
        expect(plexTokenFromPreferences(undefined)).toBe("");
        expect(plexTokenFromPreferences('<Preferences Other="x" XPlexOnlineToken="nope"/>')).toBe("");
    });

    it("waits for nothing while unclaimed, notices a claim on the next preview or up, never fails for a host it cannot ask", async () => {
        const files: Record<string, Record<string, string>> = { plex: {} };
        const connection: ApiConnection = { kind: "http", url: "http://unused", files };
        const props = { connection, container: "plex", claiming: false };
        const created = await p.create(props);
        expect(created.outs).toMatchObject({ token: "", claimed: false });
        files.plex[PLEX_PREFERENCES] = UNCLAIMED;
        expect((await p.diff("plex", created.outs, props)).changes).toBe(false);
        files.plex[PLEX_PREFERENCES] = CLAIMED;
        expect((await p.diff("plex", created.outs, props)).changes).toBe(true);
        const updated = await p.update("plex", created.outs, props);
        expect(updated.outs).toMatchObject({ token: "tok-123_ABC", claimed: true });
        expect((await p.diff("plex", updated.outs as PlexTokenState, props)).changes).toBe(false);
        // Plex's container gone (or the host down): the diff keeps what it had, the read is an error.
        const gone: ApiConnection = { kind: "http", url: "http://unused", files: {} };
        expect((await p.diff("plex", updated.outs as PlexTokenState, { ...props, connection: gone })).changes).toBe(true);
        expect((await p.diff("plex", { ...(updated.outs as PlexTokenState), connection: gone }, { ...props, connection: gone })).changes).toBe(false);
    });
});

describe("Tautulli's connection to Plex", () => {
    const resolve = <T>(o: pulumi.Output<T>) => (o as unknown as { promise(): Promise<T> }).promise();

    it("names Plex at the gateway of Tautulli's network; the token and first-run skip only once Plex is claimed; a secret", async () => {
        expect(await resolve(tautulliPlexEnv("172.30.10.113", pulumi.output("")))).toEqual(["TAUTULLI_PMS_IP=172.30.10.113", "TAUTULLI_PMS_PORT=32400", "TAUTULLI_PMS_SSL=0"]);
        const claimed = tautulliPlexEnv("172.30.10.113", pulumi.output("tok"));
        expect(await resolve(claimed)).toEqual(["TAUTULLI_PMS_IP=172.30.10.113", "TAUTULLI_PMS_PORT=32400", "TAUTULLI_PMS_SSL=0", "TAUTULLI_PMS_TOKEN=tok", "TAUTULLI_FIRST_RUN_COMPLETE=1"]);
        expect(await pulumi.isSecret(claimed)).toBe(true);
    });
});
