/**
 * The suite Stryker runs against each mutant (npm run mutate): the unit tests, which call the builders inside each
 * test (so per-test coverage sends each mutant only to the tests that reach it), and the NPM provider tests, which
 * drive the providers against an in-process fake API. The plan-level and disposable-host suites check the same
 * properties end to end but evaluate a whole plan outside any single test, which would send every mutant to every
 * test; they run in `npm test`.
 *
 * The catalog is module-level data, so each of its mutants runs every test of the suite: that phase runs only the
 * catalog's comparison with the reviewed tables (fast, no plan).
 */
const base = require("./jest.config.js");
const catalog = process.env.MONSTERR_MUTATE_PHASE === "catalog";
module.exports = {
    ...base,
    reporters: ["default"],
    testMatch: catalog
        ? ["<rootDir>/tests/unit/catalog.test.ts", "<rootDir>/tests/unit/edge/accessControl.test.ts"]
        : ["<rootDir>/tests/unit/**/*.test.ts", "<rootDir>/tests/edge/npm.provider.test.ts", "<rootDir>/tests/edge/npm.transport.test.ts"],
};
