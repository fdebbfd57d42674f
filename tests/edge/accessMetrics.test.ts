import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AutheliaStandIn } from "../support/edge/autheliaStandIn";
import { get, rawRequest } from "../support/edge/client";
import { EdgeNginx, FakeApps, PlannedProxyHost } from "../support/edge/npmNginx";
import { requireBinary, runProgram } from "../support/binaries";
import { plan, reveal } from "../support/plan";
import { LiveMtail } from "../support/liveMtail";

/**
 * Requests, statuses and the app's response time per public host: Debian's real nginx serves the prod plan's proxy hosts with the
 * planned http_top.conf, writes its timing log for requests a visitor and an attacker send, and Debian's real mtail
 * (3.0.0~rc50; the image pins 3.0.9) reads that log with the planned program. Counts and latency buckets are asserted
 * exactly; no request, however its Host or request line is spelt, adds a host label the stack does not serve.
 */
jest.setTimeout(120_000);

const DOMAIN = "media.example.com";
const PLEX = `plex.${DOMAIN}`;
const SONARR = `sonarr.${DOMAIN}`;
const ROOT = "/opt/monsterr";

let edge: EdgeNginx;
let apps: FakeApps;
let authelia: AutheliaStandIn;
let hosts: PlannedProxyHost[];
let program: string;

beforeAll(async () => {
    requireBinary("mtail", "mtail");
    const p = await plan("prod");
    hosts = p.byType("pulumi-nodejs:dynamic/monsterr:NpmProxyHost").map((r) => reveal(r.inputs) as PlannedProxyHost);
    program = p.files.get(`${ROOT}/mtail/etc/monsterr.mtail`)!;
    apps = new FakeApps();
    authelia = new AutheliaStandIn(p.files.get(`${ROOT}/authelia/configuration.yml`)!, {});
    const appPort = await apps.listen();
    const autheliaPort = await authelia.listen();
    edge = await EdgeNginx.start({ hosts, appPort, autheliaPort, httpTop: p.files.get(`${ROOT}/nginx-proxy-manager/data/nginx/custom/http_top.conf`)! });
});

afterAll(async () => {
    await edge?.stop();
    await apps?.close();
    await authelia?.close();
});

const send = (sni: string | null, text: string) => rawRequest({ port: edge.httpsPort, sni, text });

/** mtail's one-shot Prometheus output as `name{labels}` -> value. */
function mtail(log: string): Map<string, number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtail-"));
    fs.mkdirSync(path.join(dir, "progs"));
    fs.writeFileSync(path.join(dir, "progs", "monsterr.mtail"), program);
    fs.writeFileSync(path.join(dir, "access.log"), log);
    const r = runProgram("mtail", ["--one_shot", "--one_shot_format", "prometheus", "--progs", path.join(dir, "progs"), "--logs", path.join(dir, "access.log"), "--emit_prog_label=false", "--logtostderr"]);
    fs.rmSync(dir, { recursive: true, force: true });
    if (r.code !== 0) throw new Error(`mtail failed:\n${r.out}`);
    const out = new Map<string, number>();
    for (const line of r.stdout.split("\n")) {
        const m = /^(\w+\{[^}]*\}) (\S+)$/.exec(line);
        if (m) out.set(m[1], Number(m[2]));
    }
    return out;
}

describe("proxy access metrics (nginx -> timing log -> mtail)", () => {
    it("counts each host's requests by status and sorts the app's response times into buckets, exactly", async () => {
        const before = edge.log("monsterr_timing_access.log").length;
        for (let i = 0; i < 3; i++) expect((await send(PLEX, get("/identity", PLEX))).status).toBe(200);
        expect((await send(PLEX, get("/identity?monsterr-delay=300", PLEX))).status).toBe(200);
        for (let i = 0; i < 2; i++) expect((await send(PLEX, get("/identity?monsterr-status=503", PLEX))).status).toBe(503);
        // No session: Authelia sends the visitor to the portal.
        for (let i = 0; i < 2; i++) expect((await send(SONARR, get("/", SONARR))).status).toBe(302);
        const lines = edge.log("monsterr_timing_access.log").slice(before);
        expect(lines).toHaveLength(8);
        const m = mtail(lines.join("\n") + "\n");
        const count = (host: string, code: number) => m.get(`monsterr_http_requests_total{code="${code}",host="${host}"}`);
        expect([count(PLEX, 200), count(PLEX, 503), count(SONARR, 302)]).toEqual([4, 2, 2]);
        const bucket = (host: string, le: string) => m.get(`monsterr_http_app_response_seconds_bucket{host="${host}",le="${le}"}`);
        // The app answered five at once and one 300 ms late.
        expect(["0.25", "0.5", "+Inf"].map((le) => bucket(PLEX, le))).toEqual([5, 6, 6]);
        expect(m.get(`monsterr_http_app_response_seconds_count{host="${PLEX}"}`)).toBe(6);
        expect(m.get(`monsterr_http_app_response_seconds_sum{host="${PLEX}"}`)).toBeGreaterThanOrEqual(0.3);
        // The portal redirects came from the proxy itself: counted, not timed as the app's.
        expect(m.get(`monsterr_http_app_response_seconds_count{host="${SONARR}"}`)).toBeUndefined();
    });

    it("an attacker's Host headers, request lines and paths add no host label: only the names the stack serves appear", async () => {
        const before = edge.log("monsterr_timing_access.log").length;
        const evil = Array.from({ length: 12 }, (_, i) => `r${i}x.evil.test`);
        for (const name of evil) {
            await send(PLEX, get("/identity", name));
            await send(PLEX, get(`https://${name}/identity`, PLEX));
            await send(PLEX, get(`https://${PLEX}/identity`, `${name}:443`));
            await send(name, get("/", name));
            await send(PLEX, get(`/${name}/"quoted path" 200 0.001`, PLEX));
        }
        // nginx routes these to plex, but `$host` would keep the trailing dot (a second label for one host).
        await send(PLEX, get("/identity", `${PLEX.toUpperCase()}.`));
        await send(PLEX, get(`https://${PLEX}./identity`, `${PLEX}.`));
        const lines = edge.log("monsterr_timing_access.log").slice(before);
        expect(lines.length).toBeGreaterThan(0);
        const m = mtail(lines.join("\n") + "\n");
        const served = new Set(hosts.flatMap((h) => h.domainNames));
        const labels = [...m.keys()].map((k) => /host="([^"]*)"/.exec(k)?.[1]).filter((h): h is string => !!h);
        expect([...new Set(labels)].filter((h) => !served.has(h))).toEqual([]);
        // Every line the proxy wrote was read: the format and the program agree.
        const total = [...m.entries()].filter(([k]) => k.startsWith("monsterr_http_requests_total{")).reduce((n, [, v]) => n + v, 0);
        expect(total).toBe(lines.length);
    });

    it("counts a request whose first upstream attempt failed and was retried (nginx lists each attempt)", () => {
        // $upstream_header_time lists attempts separated by ", " (next upstream) or " : " (internal redirect).
        const m = mtail(`${SONARR} 502 -, -\n${SONARR} 200 -, 0.003\n${SONARR} 200 0.002 : 0.004\n`);
        expect([m.get(`monsterr_http_requests_total{code="502",host="${SONARR}"}`), m.get(`monsterr_http_requests_total{code="200",host="${SONARR}"}`)]).toEqual([1, 2]);
        expect(m.get(`monsterr_http_app_response_seconds_count{host="${SONARR}"}`)).toBe(1);
    });

    it("mtail runs with the catalog's own flags, follows the log as lines arrive and serves the counts on /metrics", async () => {
        const live = await LiveMtail.start(program);
        try {
            fs.appendFileSync(live.accessLog, `${PLEX} 200 0.004\n${PLEX} 502 1.500\n`);
            const text = await live.until(/monsterr_http_requests_total\{code="502",host="plex.media.example.com"\} 1/);
            expect(text).toMatch(/monsterr_http_requests_total\{code="200",host="plex.media.example.com"\} 1/);
            // The program's series carry no `prog` label (mtail's own mtail_* series do).
            expect(text.split("\n").filter((l) => l.startsWith("monsterr_") && l.includes('prog="'))).toEqual([]);
        } finally {
            live.stop();
        }
    });
});
