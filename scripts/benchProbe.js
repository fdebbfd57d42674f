// Preloaded into each benchmarked run (node -r): writes the process's CPU time and peak memory when it exits.
const fs = require("fs");
process.on("exit", () => {
    const u = process.resourceUsage();
    fs.writeFileSync(process.env.MONSTERR_BENCH_OUT, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
});
