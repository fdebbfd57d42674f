import * as pulumi from "@pulumi/pulumi";
import { SecretId, ServiceName } from "../../config/catalog";
import { StackConfig } from "../../config/types";
import { validateConfig } from "../../config/validate";
import { FileContext } from "../../components/files/types";
import { Secrets } from "../../components/secrets";
import { minimal } from "../support/config";
import { OfflineOptions, OfflineRun, runOffline } from "../../scripts/offline";

/**
 * Fast unit tests call the builders directly, inside each test, with no Pulumi engine: what the mutation run uses
 * (each mutant runs only the tests that reach it, npm run mutate).
 */

/** A validated stack: the smallest valid one, plus overrides. */
export function stack(overrides: Record<string, unknown> = {}): StackConfig {
    return { ...validateConfig({ ...minimal, ...overrides }), stack: "unit", secrets: {} };
}

export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
export const sshStack = (overrides: Record<string, unknown> = {}) => stack({ host: { type: "ssh", address: "media.example.com", user: "deploy", hostKey: HOST_KEY }, ...overrides });

export function enabled(config: StackConfig): ServiceName[] {
    return (Object.keys(config.services) as ServiceName[]).filter((n) => config.services[n].enabled);
}

/** Stands in for the Secrets component: each value is `secret-<id>`, as a Pulumi secret. */
export function fakeSecrets(): Secrets {
    const value = (id: SecretId) => pulumi.secret(`secret-${id}-0123456789abcdef`.slice(0, id.endsWith("salt") ? 16 : 40));
    const userPassword = (user: string) => pulumi.secret(`secret-user-${user}-0123456789`);
    return { value, userPassword, has: () => true, file: () => { throw new Error("no files in unit tests"); } } as unknown as Secrets;
}

/**
 * A builder's context. Builders that register resources of their own (Authelia's password hashes) need the mock engine
 * and a parent: run them inside `component` and pass one; the others never look at it.
 */
export function fileContext(config: StackConfig, proxyAddress = "172.30.10.2", parent: pulumi.Resource = NO_PARENT): FileContext {
    return { config, secrets: fakeSecrets(), enabled: enabled(config), proxyAddress, parent, name: "unit-svc" };
}

/** Fails the builder that registers a resource without being given a parent (outside the engine it would pass). */
const NO_PARENT = new Proxy({} as pulumi.Resource, {
    get: () => {
        throw new Error("this builder registers resources: run it inside component() and give fileContext a parent");
    },
});

/** The value of an Output (or a plain value). */
export function resolved<T>(v: pulumi.Input<T>): Promise<T> {
    // Output.promise() is internal API, but it is the one way to see a rejected apply as a rejection.
    return (pulumi.output(v) as unknown as { promise(): Promise<T> }).promise();
}

/**
 * Runs a small program (one component, say) under the mock engine, inside the calling test: what it registered and
 * what it returned. Nothing is created anywhere.
 */
export function component(load: () => unknown, options: OfflineOptions = {}): Promise<OfflineRun> {
    return runOffline({ values: {}, secretKeys: [] }, "unit", load, {}, options);
}
