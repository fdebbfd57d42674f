import * as fs from "fs";
import * as path from "path";

/**
 * The folder holding Pulumi.yaml: the same from the TypeScript sources and from the compiled JavaScript
 * under bin/, so the stack files and dashboards are found either way.
 */
export const PROJECT_ROOT = ((): string => {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${__dirname}`);
    }
})();
