/** Type checking is `tsc --noEmit` in `npm test`; jest only transpiles, which keeps each worker fast. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", {}] },
  testTimeout: 120000,
};
