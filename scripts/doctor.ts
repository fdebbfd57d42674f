/**
 * Checks a stack's host before (and after) `pulumi up`: SSH and the pinned host key, sudo, Docker and its firewall,
 * free ports, disks, hardlinks, memory, system, time zone, DNS. Exit 1 on any failure, 2 on a bad call or setting.
 *   npm run doctor -- --stack prod [--identity FILE] [--dns-server IP[:PORT]]
 */
import { ConfigError } from "../config/errors";
import { validateEngineConfig } from "../config/load";
import { renderResults, runDoctor } from "../doctor";
import { readStackConfig } from "./stackConfig";

const USAGE = "usage: npm run doctor -- --stack <name> [--identity FILE] [--dns-server IP[:PORT]]";

export function parseDoctorArgs(argv: string[]): { stack: string; identity?: string; dnsServers?: string[] } {
    const opts: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const m = /^--(stack|identity|dns-server)(?:=(.*))?$/.exec(argv[i]);
        if (!m) throw new ConfigError([{ key: argv[i], problem: "is not an option of the doctor", fix: USAGE }]);
        const value = m[2] ?? argv[++i];
        if (!value) throw new ConfigError([{ key: `--${m[1]}`, problem: "needs a value", fix: USAGE }]);
        opts[m[1]] = value;
    }
    if (!opts.stack) throw new ConfigError([{ key: "--stack", problem: "is missing", fix: USAGE }]);
    return { stack: opts.stack, ...(opts.identity ? { identity: opts.identity } : {}), ...(opts["dns-server"] ? { dnsServers: [opts["dns-server"]] } : {}) };
}

async function main(): Promise<number> {
    const args = parseDoctorArgs(process.argv.slice(2));
    const engine = readStackConfig(args.stack);
    const config = validateEngineConfig(engine.values, (k) => engine.secretKeys.includes(k));
    const t0 = Date.now();
    const results = await runDoctor(config, args);
    console.log(`doctor: stack ${args.stack}, ${results.length} checks in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    console.log(renderResults(results));
    return results.some((r) => r.status === "fail") ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err));
        process.exit(2);
    },
);
