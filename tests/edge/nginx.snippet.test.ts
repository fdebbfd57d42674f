import { AUTHZ_LOCATION } from "../../components/edge/authSnippet";
import { EdgeNginx, PlannedProxyHost } from "../support/edge/npmNginx";
import { plan, reveal } from "../support/plan";

/** NPM v2.15.1 backend/internal/nginx.js: an advanced config matching this replaces NPM's own `location /`. */
const NPM_HAS_DEFAULT_LOCATION = /^(?:.*;)?\s*?location\s*?\/\s*?{/im;

/** Debian's nginx loads every proxy host of the prod plan inside NPM's server block (tests/support/edge/npmNginx.ts). */
describe("the Authelia forward-auth snippets under Debian's nginx", () => {
    let hosts: PlannedProxyHost[];
    beforeAll(async () => {
        const p = await plan("prod");
        hosts = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedProxyHost);
    });

    it("every proxy host's advanced config passes nginx -t and serves inside an NPM-shaped server block", async () => {
        const edge = await EdgeNginx.start({ hosts, appPort: 9, autheliaPort: 9 });
        await edge.stop();
    });

    it("defines `location /` so NPM drops its default location, and only forward-auth hosts carry auth_request", () => {
        for (const h of hosts) {
            expect({ host: h.domainNames[0], replacesDefault: NPM_HAS_DEFAULT_LOCATION.test(h.advancedConfig) }).toEqual({ host: h.domainNames[0], replacesDefault: true });
        }
        const guarded = hosts.filter((h) => h.advancedConfig.includes(`auth_request ${AUTHZ_LOCATION};`)).map((h) => h.domainNames[0].split(".")[0]);
        expect(guarded).not.toContain("auth");
        expect(guarded).not.toContain("plex");
        expect(guarded).toEqual(expect.arrayContaining(["sonarr", "radarr", "portainer", "grafana", "qbittorrent"]));
    });

    it("rejects a broken snippet (the check can fail)", async () => {
        const broken = hosts.map((h) => ({ ...h, advancedConfig: h.advancedConfig.replace('Content-Length ""', "Content-Length") }));
        await expect(EdgeNginx.start({ hosts: broken, appPort: 9, autheliaPort: 9 })).rejects.toThrow(/nginx -t failed/);
    });
});
