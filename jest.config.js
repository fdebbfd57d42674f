/** `npm test` type-checks with `tsc --noEmit` first; jest itself only transpiles (isolatedModules), which keeps workers fast. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", {}] },
    testTimeout: 180000,
    reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
    // On two cores jest would run every suite in its own process, where each suite's Pulumi runtime stays reachable
    // after it ends: 60 suites grew one process past 24 GB (OOM-killed after the last test). A memory limit makes jest
    // use a worker and replace it once it holds more than this between suites.
    workerIdleMemoryLimit: "2GB",
};
