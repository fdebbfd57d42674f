/**
 * The suite Stryker runs against each mutant (npm run mutate): every test but those that start the disposable SSH
 * hosts in Docker, which take minutes and only re-check the firewall scripts' effect on a kernel (the offline
 * firewall tests check their text). Type checking is left to `npm test`.
 */
const base = require("./jest.config.js");
module.exports = {
    ...base,
    reporters: ["default"],
    testPathIgnorePatterns: ["/node_modules/", "/tests/edge/firewall\\.host\\.test\\.ts$", "/tests/edge/sshConnections\\.test\\.ts$", "/tests/edge/fail2ban\\.legacy\\.test\\.ts$"],
};
