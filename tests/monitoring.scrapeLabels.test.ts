import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { CATALOG, spec } from "../config/catalog";
import { placementOf } from "../config/placement";
import { freePort, requireBinary } from "./support/binaries";
import { LiveMtail } from "./support/liveMtail";
import { plan } from "./support/plan";

/**
 * On a stack with several hosts every scrape target is labelled with its host, except where the exporter's own
 * series carry that label: mtail's `host` is the public host a request was for. The real Prometheus scrapes the real
 * mtail with the split stack's own job, and the public-route alerts' expressions still see one series per public host.
 */
jest.setTimeout(120_000);

const PROM = "/opt/monsterr/prometheus/etc";
const SONARR = "sonarr.media.example.com";
const PLEX = "plex.media.example.com";

type Job = { job_name: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] };
type Rule = { alert?: string; expr: string };

let mtail: LiveMtail;
let prometheus: ChildProcess;
let base: string;
let tmp: string;
let rules: Rule[];

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (res.status !== "success") throw new Error(`${expr}: ${res.error}`);
    return res.data.result;
}

async function eventually<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 150; i++) {
        const v = await f();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`never: ${what}`);
}

beforeAll(async () => {
    for (const [b, pkg] of [["mtail", "mtail"], ["prometheus", "prometheus"]]) requireBinary(b, pkg);
    const split = await plan("split");
    const config = yaml.load(split.files.get(`${PROM}/prometheus.yml`)!) as { scrape_configs: Job[] };
    rules = (yaml.load(split.files.get(`${PROM}/rules/edge.yml`)!) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    mtail = await LiveMtail.start(split.files.get("/opt/monsterr/mtail/etc/monsterr.mtail")!);
    // 40 requests to Sonarr (4 of them 502), 10 to Plex, all answered in 4 ms.
    const lines = [...Array.from({ length: 36 }, () => `${SONARR} 200 0.004`), ...Array.from({ length: 4 }, () => `${SONARR} 502 0.004`), ...Array.from({ length: 10 }, () => `${PLEX} 200 0.004`)];
    fs.appendFileSync(mtail.accessLog, `${lines.join("\n")}\n`);
    await mtail.until(/monsterr_http_requests_total\{code="502",host="sonarr.media.example.com"\} 4/);

    // The split stack's own mtail job, pointed at this mtail; scraped every second.
    const job = config.scrape_configs.find((j) => j.job_name === "mtail")!;
    const scraped = { ...job, scrape_interval: "1s", static_configs: job.static_configs.map((c) => ({ ...c, targets: [`127.0.0.1:${mtail.port}`] })) };
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "monsterr-scrape-"));
    fs.writeFileSync(path.join(tmp, "prometheus.yml"), yaml.dump({ global: { scrape_interval: "1s", evaluation_interval: "1s" }, scrape_configs: [scraped] }));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    prometheus = spawn("prometheus", [`--config.file=${path.join(tmp, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(tmp, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    await eventually("Prometheus has scraped mtail", async () => ((await fetch(`${base}/-/ready`).then((r) => r.ok, () => false)) && (await query('monsterr_http_requests_total{job="mtail"}').catch(() => [])).length > 0 ? true : undefined));
});

afterAll(() => {
    prometheus?.kill("SIGTERM");
    mtail?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("scrape labels on a stack with several hosts", () => {
    it("labels every job but mtail's with its host", async () => {
        const split = await plan("split");
        const config = yaml.load(split.files.get(`${PROM}/prometheus.yml`)!) as { scrape_configs: Job[] };
        const unlabelled = config.scrape_configs.filter((j) => j.static_configs.some((c) => !c.labels?.host)).map((j) => j.job_name);
        expect(unlabelled).toEqual(["mtail", "blackbox"]);
    });

    it("keeps mtail's own host label, the public host, on every series Prometheus stores", async () => {
        const series = await query('monsterr_http_requests_total{job="mtail"}');
        expect(series.map((s) => s.metric.host).sort()).toEqual([PLEX, SONARR, SONARR]);
        expect(series.filter((s) => "exported_host" in s.metric)).toEqual([]);
    });

    it("PublicRouteErrors' expression sees Sonarr's 10 % of errors as Sonarr's, not the edge host's", async () => {
        const expr = rules.find((r) => r.alert === "PublicRouteErrors")!.expr;
        // The alert's ratio over the counters themselves (the requests were all logged before the first scrape, so
        // their rate is 0): the grouping by host is what is checked.
        const ratio = expr.replace(/ > 0\.05 and .*$/s, "").replace(/rate\((.+?)\[10m\]\)/g, "$1");
        expect(ratio).toBe('sum by (host) (monsterr_http_requests_total{job="mtail", code=~"5.."}) / sum by (host) (monsterr_http_requests_total{job="mtail"})');
        const result = await query(ratio);
        expect(Object.fromEntries(result.map((r) => [r.metric.host, Number(Number(r.value[1]).toFixed(2))]))).toEqual({ [SONARR]: 0.1 });
    });

    it("the catalog names as mtail's own labels exactly those its program declares, and only an edge service has a host label of its own", async () => {
        const program = (await plan("split")).files.get("/opt/monsterr/mtail/etc/monsterr.mtail")!;
        const declared = [...program.matchAll(/^(?:counter|histogram) \S+ by ([\w, ]+?)(?: buckets .*)?$/gm)].flatMap((m) => m[1].split(/,\s*/));
        expect([...new Set(declared)].sort()).toEqual([...spec("mtail").metrics!.ownLabels!].sort());
        expect(CATALOG.filter((x) => x.metrics?.ownLabels?.includes("host")).map((x) => [x.name, placementOf(x)])).toEqual([["mtail", "edge"]]);
    });
});
