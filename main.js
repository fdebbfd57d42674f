// Pulumi's entry point (Pulumi.yaml `main`, with the runtime's own TypeScript support off): the program in index.ts,
// loaded through scripts/transpileCache.js instead of ts-node.
require("./scripts/transpileCache");
module.exports = require("./index.ts");
