import { FileBuilder } from "./types";

/**
 * Redis settings for a small, persistent session store; each directive is one line `name args...`.
 * No `dir`: the image's working directory is the /data volume, and redis-server refuses a `dir` that is missing.
 */
export const REDIS_SETTINGS: [string, string][] = [
    ["bind", "* -::*"],
    ["protected-mode", "yes"],
    ["port", "6379"],
    ["appendonly", "yes"],
    ["save", "3600 1 300 100"],
    ["maxmemory", "200mb"],
    ["maxmemory-policy", "volatile-lru"],
    ["rename-command", 'FLUSHALL ""'],
    ["rename-command", 'CONFIG ""'],
];

export function serializeRedisConf(settings: [string, string][]): string {
    return settings.map(([k, v]) => `${k} ${v}\n`).join("");
}

/** redis.conf: the password lives here (a secret file), not on the command line where `ps` would show it. */
export const redisFiles: FileBuilder = ({ secrets }) => [
    {
        path: "conf/redis.conf",
        secret: true,
        content: secrets.value("redis-password").apply((pw) => serializeRedisConf([...REDIS_SETTINGS, ["requirepass", pw]])),
    },
];
