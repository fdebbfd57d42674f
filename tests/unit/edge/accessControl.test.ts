import { accessRules, bypassResource, routeSubjects, routedServices } from "../../../components/edge/accessControl";
import { CATALOG } from "../../../config/catalog";
import { ROUTES } from "../../policy/routes";
import { enabled, stack } from "../support";

const DOMAIN = "media.example.com";
const all = () => enabled(stack());
const PROBER = "172.30.10.136/29";

describe("access rules from the catalog (unit)", () => {
    it("route every enabled service with a route, in catalog order, under its own name", () => {
        const routed = routedServices(DOMAIN, all());
        expect(routed.map((r) => r.fqdn)).toEqual(CATALOG.filter((s) => s.route).map((s) => `${s.route!.subdomain}.${DOMAIN}`));
        expect(routed.find((r) => r.name === "plex")).toMatchObject({ port: 32400, hostNetwork: true });
        expect(routed.find((r) => r.name === "sonarr")).toMatchObject({ port: 8989, hostNetwork: false });
        expect(routedServices(DOMAIN, ["sonarr", "redis"]).map((r) => r.name)).toEqual(["sonarr"]);
    });

    it("admit admins everywhere and household members only where the route says", () => {
        expect(routeSubjects({ subdomain: "x", auth: "one_factor", group: "users", probe: { path: "/" } })).toEqual(["group:admins", "group:users"]);
        expect(routeSubjects({ subdomain: "x", auth: "two_factor", group: "admins", probe: { path: "/" } })).toEqual(["group:admins"]);
        expect(routeSubjects({ subdomain: "x", auth: "two_factor", probe: { path: "/" } })).toEqual(["group:admins"]);
    });

    it("are the reviewed policy, route by route, in the order Authelia needs (first match wins)", () => {
        const rules = accessRules(DOMAIN, all(), PROBER);
        for (const [sub, policy] of Object.entries(ROUTES)) {
            const fqdn = `${sub}.${DOMAIN}`;
            const mine = rules.filter((r) => r.domain.includes(fqdn));
            if (policy.auth === "bypass") {
                expect({ sub, mine }).toEqual({ sub, mine: [{ domain: [fqdn], policy: "bypass" }] });
                continue;
            }
            const probe = CATALOG.find((s) => s.route?.subdomain === sub)!.route!.probe.path;
            const expected = [
                { domain: [fqdn], policy: "bypass", networks: [PROBER], resources: [bypassResource({ exact: probe })] },
                ...(policy.bypass.length ? [{ domain: [fqdn], policy: "bypass", resources: policy.bypass.map(bypassResource) }] : []),
                { domain: [fqdn], policy: policy.auth, subject: policy.groups.map((g) => `group:${g}`) },
            ];
            expect({ sub, mine }).toEqual({ sub, mine: expected });
        }
    });

    it("open no prober path without a prober, and leave out disabled services", () => {
        const rules = accessRules(DOMAIN, ["sonarr", "authelia"]);
        expect(rules.some((r) => r.networks)).toBe(false);
        expect(rules.map((r) => r.domain[0])).toEqual([`auth.${DOMAIN}`, `sonarr.${DOMAIN}`, `sonarr.${DOMAIN}`]);
    });
});

describe("bypass paths as Authelia resource regexes (unit)", () => {
    const open = (re: string, path: string) => new RegExp(re).test(path);

    it("exact: that path and a query, nothing longer or shorter", () => {
        const re = bypassResource({ exact: "/login" });
        expect(re).toBe("^/login(\\?.*)?$");
        expect(["/login", "/login?x=1"].map((p) => open(re, p))).toEqual([true, true]);
        expect(["/login-as-admin", "/loginx", "/login/x", "/x/login", "/"].map((p) => open(re, p))).toEqual([false, false, false, false, false]);
    });

    it("exact root: only the root and its query", () => {
        const re = bypassResource({ exact: "/" });
        expect(["/", "/?a=b"].map((p) => open(re, p))).toEqual([true, true]);
        expect(["/a", "//"].map((p) => open(re, p))).toEqual([false, false]);
    });

    it("prefix: everything below it, never the name without its slash", () => {
        const re = bypassResource({ prefix: "/socket.io/" });
        expect(re).toBe("^/socket\\.io/.*$");
        expect(["/socket.io/", "/socket.io/x?y"].map((p) => open(re, p))).toEqual([true, true]);
        expect(["/socket.io", "/socketXio/", "/socket.iox/", "/x/socket.io/"].map((p) => open(re, p))).toEqual([false, false, false, false]);
    });

    it.each([[{ prefix: "/" }], [{ prefix: "/api" }], [{ exact: "api" }], [{ exact: "/a b" }], [{ exact: "/a/../b" } as never], [{ prefix: "//" }]])("refuses %j", (p) => {
        expect(() => bypassResource(p)).toThrow(/plain segments/);
    });
});
