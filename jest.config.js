/** `npm test` type-checks with `tsc --noEmit` first; jest itself only transpiles (isolatedModules), which keeps workers fast. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", {}] },
    testTimeout: 180000,
    reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
};
