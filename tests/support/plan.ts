import { MockHost, OfflineOptions, OfflineRun, PlannedResource, reveal, runOffline } from "../../scripts/offline";
import { fileContents, plannedFiles } from "../../scripts/planFiles";
import { EngineConfig, readStackConfig } from "../../scripts/stackConfig";

export { isSecret, redact, reveal } from "../../scripts/offline";

/** The example stacks: a local dev machine, one remote host, and two hosts (the edge and a feeder box). */
export type Stack = "dev" | "prod" | "split";

/** Stack config with some `monsterr:*` keys replaced (objects as JSON, like the CLI) or removed (undefined). */
export function stackConfig(stack: Stack, overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}): EngineConfig {
    const base = readStackConfig(stack);
    const values = { ...base.values };
    const secretKeys = [...base.secretKeys];
    for (const [key, v] of Object.entries(overrides)) {
        const full = `monsterr:${key}`;
        if (v === undefined) delete values[full];
        else values[full] = typeof v === "object" ? JSON.stringify(v) : String(v);
    }
    for (const [key, v] of Object.entries(secrets)) {
        values[`monsterr:${key}`] = v;
        secretKeys.push(`monsterr:${key}`);
    }
    return { values, secretKeys };
}

export interface Plan extends OfflineRun {
    byType(type: string): PlannedResource[];
    /** The container of a service, inputs revealed (secret wrappers removed). */
    container(service: string): Record<string, any> | undefined;
    containers(): Record<string, any>[];
    /** Every file the program writes on the host: absolute path to content (secrets revealed). */
    files: Map<string, string>;
    /**
     * Every resource that `name` waits for through `dependsOn`, transitively; depending on a component means
     * waiting for everything under it (Pulumi's rule).
     */
    waitsFor(name: string): Set<string>;
    /** The name of the command resource that writes a host file. */
    writerOf(path: string): string | undefined;
}

const cache = new Map<string, Promise<Plan>>();

/**
 * The plan of a stack with overrides, evaluated once per test worker: evaluations are deterministic (the stability
 * test proves it with `freshPlan`), and tests only read plans.
 */
export function plan(stack: Stack, overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}, options: OfflineOptions = {}): Promise<Plan> {
    const key = JSON.stringify([stack, overrides, secrets, options]);
    let p = cache.get(key);
    if (!p) {
        // A rejected plan (a ConfigError under test) is not kept: each caller sees its own rejection.
        p = freshPlan(stack, overrides, secrets, {}, options).catch((e: unknown) => {
            cache.delete(key);
            throw e;
        });
        cache.set(key, p);
    }
    return p;
}

/**
 * Runs the real program offline for a stack, optionally with config overrides and what the host already holds: a
 * new evaluation every call. Password hashes are mockPasswordHash's stand-ins unless `options.realPasswordHashes`.
 */
export async function freshPlan(stack: Stack, overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}, host: MockHost = {}, options: OfflineOptions = {}): Promise<Plan> {
    const run = await runOffline(stackConfig(stack, overrides, secrets), stack, undefined, host, options);
    const byType = (type: string) => run.resources.filter((r) => r.type === type);
    const containers = () => byType("docker:index/container:Container").map((r) => reveal(r.inputs) as Record<string, any>);
    const byName = new Map(run.resources.map((r) => [r.name, r]));
    const children = new Map<string, string[]>();
    for (const r of run.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.name]);
    const waitsFor = (name: string): Set<string> => {
        const seen = new Set<string>();
        const visit = (n: string) => {
            if (seen.has(n)) return;
            seen.add(n);
            for (const c of children.get(n) ?? []) visit(c);
            for (const d of byName.get(n)?.dependsOn ?? []) visit(d);
        };
        for (const d of byName.get(name)?.dependsOn ?? []) visit(d);
        return seen;
    };
    const writers = new Map(plannedFiles(run.resources).map((f) => [f.path, f.resource]));
    return {
        ...run,
        byType,
        containers,
        container: (service: string) => containers().find((c) => c.name === service),
        files: fileContents(run.resources),
        waitsFor,
        writerOf: (path: string) => writers.get(path),
    };
}

export const CONTAINER = "docker:index/container:Container";
