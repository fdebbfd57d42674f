import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");

/** The repository a local clone was made from, if it was cloned from a path on this machine. */
function originPath(): string | undefined {
    try {
        const url = execFileSync("git", ["-C", REPO, "remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        return path.isAbsolute(url) ? url : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A folder of upstream schemas from the team's shared folder, which stays outside the repository: `$MONSTERR_SHARED`,
 * else `../shared` next to this checkout, else next to the repository this checkout was cloned from.
 */
export function upstreamSchemas(name: string): string {
    const origin = originPath();
    const candidates = [process.env.MONSTERR_SHARED, path.join(REPO, "..", "shared"), origin && path.join(origin, "..", "shared")]
        .filter((d): d is string => !!d)
        .map((d) => path.resolve(d, "schemas", name));
    const found = candidates.find((d) => fs.existsSync(d));
    if (!found) throw new Error(`upstream schemas ${name} not found in ${candidates.join(", ")}: set MONSTERR_SHARED to the shared folder`);
    return found;
}
