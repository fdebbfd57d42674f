/**
 * Mutation testing (npm run mutate [phase...]): each phase mutates one folder and writes its own report, so a phase
 * can be rerun alone. The unit suite (jest.mutate.config.js) builds everything inside each test, so per-test
 * coverage sends each mutant only to the tests that reach it.
 */
const PHASES = {
    edge: ["components/edge/**/*.ts"],
    files: ["components/files/**/*.ts"],
    service: ["components/service.ts"],
    catalog: ["config/catalog/**/*.ts"],
};
const phase = process.env.MONSTERR_MUTATE_PHASE ?? "edge";
/** MONSTERR_MUTATE_STATIC=1 also runs a phase's static mutants (each against the whole suite: hours). */
const includeStatic = phase === "catalog" || process.env.MONSTERR_MUTATE_STATIC === "1";
/** MONSTERR_MUTATE_ONLY=a.ts,b.ts narrows a phase to some of its files (a partial run, reported as <phase>-part). */
const only = process.env.MONSTERR_MUTATE_ONLY?.split(",").filter(Boolean);
if (!PHASES[phase]) throw new Error(`MONSTERR_MUTATE_PHASE=${phase} is not a phase: ${Object.keys(PHASES).join(", ")}`);

module.exports = {
    testRunner: "jest",
    jest: { projectType: "custom", configFile: "jest.mutate.config.js" },
    coverageAnalysis: "perTest",
    mutate: only ?? PHASES[phase],
    // Module-level constants (the catalog is one) are "static": every test would have to run for each of them.
    // The catalog phase runs them; elsewhere they are reported as ignored and counted in docs/testing.md.
    ignoreStatic: !includeStatic,
    concurrency: Number(process.env.MONSTERR_MUTATE_CONCURRENCY ?? 2),
    // The first run, with coverage of every test, takes minutes on a small machine.
    dryRunTimeoutMinutes: 30,
    // Each run re-requires @pulumi/pulumi in the same worker, which keeps growing (14 GiB after ~50 runs): recycle it.
    maxTestRunnerReuse: 15,
    timeoutMS: 120000,
    timeoutFactor: 2,
    reporters: ["clear-text", "progress", "json"],
    jsonReporter: { fileName: `reports/mutation/${phase}${only ? "-part" : ""}${includeStatic && phase !== "catalog" ? "-static" : ""}.json` },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
