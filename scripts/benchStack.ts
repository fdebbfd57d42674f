/**
 * The stacks `npm run bench` plans besides the example ones: the prod stack spread over N hosts, every app that may
 * move placed round-robin over all of them, all sharing one data tree (so every placement is valid).
 *   node -r ./scripts/transpileCache.js scripts/benchStack.ts --hosts N    plans it offline, prints the resource count
 */
import { CATALOG } from "../config/catalog";
import { DEMO_HOST_KEY } from "../config/examples";
import { placementOf } from "../config/placement";
import { runOffline } from "./offline";
import { EngineConfig, readStackConfig } from "./stackConfig";

/** Every app that may move on the next host in turn; Pulsarr beside Sonarr and Radarr (its webhooks), so those two share one. */
function placeRoundRobin(hosts: string[]): Record<string, { host: string }> {
    const apps = CATALOG.filter((s) => placementOf(s) === "any" && s.name !== "radarr" && s.name !== "watchlist").map((s) => s.name);
    const out: Record<string, { host: string }> = Object.fromEntries(apps.map((n, i) => [n, { host: hosts[i % hosts.length] }]));
    out.radarr = out.watchlist = out.sonarr;
    return out;
}

export function hostsStack(hosts: number): EngineConfig {
    if (!Number.isInteger(hosts) || hosts < 1 || hosts > 50) throw new Error("--hosts takes a whole number from 1 to 50");
    const prod = readStackConfig("prod");
    if (hosts === 1) return prod;
    const names = Array.from({ length: hosts - 1 }, (_, i) => `box${i + 1}`);
    const edge = JSON.parse(prod.values["monsterr:host"]) as Record<string, unknown>;
    const values: Record<string, string> = {
        ...prod.values,
        "monsterr:host": JSON.stringify({ ...edge, privateAddress: "10.20.0.1", dataShare: "nas" }),
        "monsterr:hosts": JSON.stringify(
            Object.fromEntries(names.map((n, i) => [n, { address: `${n}.example.com`, user: "deploy", hostKey: `ssh-ed25519 ${DEMO_HOST_KEY}`, privateAddress: `10.20.0.${i + 2}`, dataShare: "nas", gpu: true }])),
        ),
        "monsterr:services": JSON.stringify(placeRoundRobin(["edge", ...names])),
    };
    return { values, secretKeys: prod.secretKeys };
}

async function main(argv: string[]): Promise<void> {
    const i = argv.indexOf("--hosts");
    const run = await runOffline(hostsStack(Number(argv[i + 1])), "bench");
    const containers = run.resources.filter((r) => r.type === "docker:index/container:Container").length;
    console.log(`${run.resources.length} resources, ${containers} containers`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
