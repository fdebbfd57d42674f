import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { scriptedPath } from "../components/hostFile";
import { PasswordHashInputs, passwordHashProvider } from "../components/passwordHash";
import { EngineConfig } from "./stackConfig";

/** One resource the program registered, as the engine would receive it. */
export interface PlannedResource {
    type: string;
    name: string;
    /** Name of the parent resource (top-level resources have none). */
    parent: string | null;
    custom: boolean;
    /** Inputs with secret values wrapped as the engine sees them (see isSecret / redact). */
    inputs: Record<string, unknown>;
    /** Names of the resources given in its `dependsOn` (components stand for all their children). */
    dependsOn: string[];
    /** Outputs the engine is told to keep secret (`additionalSecretOutputs`); the mocks are not told. */
    additionalSecretOutputs: string[];
}

export interface OfflineRun {
    resources: PlannedResource[];
    /** Stack outputs, secrets wrapped. */
    outputs: Record<string, unknown>;
    /** Every secret value the mocked providers generated (passwords, private keys): must never show up outside a secret. */
    generatedSecrets: string[];
}

const SECRET = { key: rpc.specialSigKey, sig: rpc.specialSecretSig };

export function isSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET.key] === SECRET.sig;
}

/** A copy with every secret value replaced by "[secret]". */
export function redact(v: unknown): unknown {
    if (isSecret(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(redact);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
    return v;
}

/** A copy with secret wrappers removed: the values the provider would receive. */
export function reveal(v: unknown): unknown {
    if (isSecret(v)) return reveal(v.value);
    if (Array.isArray(v)) return v.map(reveal);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
    return v;
}

const hash = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const pem = (kind: string, name: string) => `-----BEGIN ${kind}-----\n${Buffer.from(hash(kind + name)).toString("base64")}\n-----END ${kind}-----\n`;
const unpadded = (b: Buffer) => b.toString("base64").replace(/=+$/, "");

/**
 * What a plan shows for a PasswordHash: a valid argon2id PHC string with the resource's cost and salt, whose hash part
 * reads `MockHashNotReal` and goes on with a digest of the resource's name and salt. It is no hash of the password
 * (a plan pays nothing for argon2, and no password goes into it); runOffline's `realPasswordHashes` computes real ones.
 */
export function mockPasswordHash(name: string, p: Omit<PasswordHashInputs, "password">): string {
    let text = "MockHashNotReal";
    while (text.length < Math.ceil((p.keyLength * 4) / 3)) text += hash(`${text}\0${name}\0${p.salt}`);
    // Decoded and encoded again: `keyLength` bytes, their last character canonical.
    const body = unpadded(Buffer.from(text, "base64").subarray(0, p.keyLength));
    return `$argon2id$v=19$m=${p.memory},t=${p.iterations},p=${p.parallelism}$${unpadded(Buffer.from(p.salt))}$${body}`;
}

/** Real hashes computed in this process, by a digest of their inputs: tests plan the same stack more than once. */
const realHashes = new Map<string, Promise<string>>();

/** The hash the provider's own create computes (argon2id, ~1 s of CPU). */
function realPasswordHash(p: PasswordHashInputs): Promise<string> {
    const key = hash(JSON.stringify([p.password, p.salt, p.iterations, p.memory, p.parallelism, p.keyLength]));
    let h = realHashes.get(key);
    if (!h) realHashes.set(key, (h = passwordHashProvider.create!(p).then((r) => (r.outs as { hash: string }).hash)));
    return h;
}

const secret = (value: unknown) => ({ [SECRET.key]: SECRET.sig, value });

/**
 * What the providers would report back for a resource, derived only from its inputs so that runs are repeatable; a
 * promise only for real password hashes.
 */
function mockState(type: string, name: string, inputs: Record<string, unknown>, generated: string[], host: MockHost, options: OfflineOptions): Record<string, unknown> | Promise<Record<string, unknown>> {
    const plain = reveal(inputs) as Record<string, unknown>;
    switch (type) {
        case "random:index/randomPassword:RandomPassword": {
            // The length asked for (apps and hashes may depend on it); `mocksecret` + a hash keeps every value unique.
            const length = Number(plain.length ?? 32);
            if (length < 16) throw new Error(`${name}: a secret shorter than 16 characters cannot be audited for leaks`);
            const value = `mocksecret${hash(name)}`.slice(0, length);
            generated.push(value);
            return { ...inputs, result: value, bcryptHash: `$2a$10$${hash(value).slice(0, 53)}` };
        }
        case "docker:index/remoteImage:RemoteImage":
            return { ...inputs, imageId: `sha256:${hash(String(plain.name))}`, repoDigest: `${String(plain.name).split(":")[0]}@sha256:${hash(String(plain.name))}` };
        case "docker:index/network:Network":
        case "docker:index/container:Container":
            return { ...inputs };
        // As its provider's create returns it: what the writers write, no repair counted yet.
        case "pulumi-nodejs:dynamic/monsterr:HostState":
            return { ...inputs, wanted: inputs.state, secretWanted: inputs.secretState, generations: {} };
        // Placeholder PEMs, stable per resource: the plan shows where keys and certificates flow, not real ones.
        case "tls:index/privateKey:PrivateKey": {
            // The key's body is a secret like any generated password: the audit looks for it everywhere.
            const key = pem("PRIVATE KEY", name);
            generated.push(key.split("\n")[1]);
            return { ...inputs, privateKeyPem: key, publicKeyPem: pem("PUBLIC KEY", name), publicKeyOpenssh: `ecdsa-sha2-nistp256 ${hash(name)}` };
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { ...inputs, certPem: pem("CERTIFICATE", name), validityStartTime: "2026-01-01T00:00:00Z", validityEndTime: "2036-01-01T00:00:00Z" };
        case "tls:index/certRequest:CertRequest":
            return { ...inputs, certRequestPem: pem("CERTIFICATE REQUEST", name) };
        case "command:local:Command":
        case "command:remote:Command": {
            // An adopted secret prints what the host holds: a value left by an earlier stack, else the one it writes.
            const adopted = scriptedPath(String(plain.create ?? ""));
            if (adopted?.adopted) return { ...inputs, stdout: host.secrets?.[adopted.path] ?? plain.stdin, stderr: "" };
            return { ...inputs, stdout: "", stderr: "" };
        }
        // A plan shows a first `up`: Plex has not claimed itself yet, so there is no token.
        case "pulumi-nodejs:dynamic/monsterr:PlexToken":
            return { ...inputs, token: "", claimed: false };
        // The hash wrapped as a secret: the engine keeps it one (additionalSecretOutputs), the mocks are not told.
        case "pulumi-nodejs:dynamic/monsterr:PasswordHash": {
            const p = plain as unknown as PasswordHashInputs;
            if (options.realPasswordHashes) return realPasswordHash(p).then((h) => ({ ...inputs, hash: secret(h) }));
            return { ...inputs, hash: secret(mockPasswordHash(name, p)) };
        }
        // ...and Seerr has no admin yet, so its links wait.
        case "pulumi-nodejs:dynamic/monsterr:SeerrArrLink":
            return { ...inputs, pending: true, drift: [], adopted: false };
        default:
            return { ...inputs };
    }
}

/** What the mocked host already holds: secret files left by an earlier stack (path -> content). */
export interface MockHost {
    secrets?: Record<string, string>;
}

export interface OfflineOptions {
    /**
     * Each PasswordHash gets the hash its provider's create computes (real argon2id, ~1 s of CPU per account and
     * process) instead of mockPasswordHash's stand-in: for tests that verify a password against the users file.
     */
    realPasswordHashes?: boolean;
}

/**
 * Runs the real program (index.ts) under Pulumi's mock runtime with the given engine config and returns what it
 * registered. Nothing is created anywhere; this is `pulumi preview` without a CLI, a backend or a host.
 */
export async function runOffline(config: EngineConfig, stack: string, load: () => unknown = defaultLoad, host: MockHost = {}, options: OfflineOptions = {}): Promise<OfflineRun> {
    const generatedSecrets: string[] = [];
    const registered: Omit<PlannedResource, "parent" | "dependsOn" | "additionalSecretOutputs">[] = [];
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                const state = mockState(args.type, args.name, args.inputs, generatedSecrets, host, options);
                registered.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
                return { id: `${args.name}-id`, state: await state };
            },
            call: (args) => args.inputs,
        },
        "monsterr",
        stack,
        true,
    );

    // Pulumi captures a stack trace for every promise it creates, for leak reports only; under jest each
    // one is source-mapped frame by frame, which costs more than the program itself. Two frames say where.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.MONSTERR_FULL_STACKS) Error.stackTraceLimit = 2;
    // Mocks are not told a resource's parent; a stack transformation (run by the SDK itself) sees it.
    const names = new Map<pulumi.Resource, string>();
    const parents = new Map<string, string | null>();
    const dependencies = new Map<string, string[]>();
    const secretOutputs = new Map<string, string[]>();
    let exported: Record<string, unknown> = {};
    let failure: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((t) => {
            names.set(t.resource, t.name);
            parents.set(`${t.type}::${t.name}`, t.opts.parent ? names.get(t.opts.parent) ?? null : null);
            const deps = t.opts.dependsOn;
            const list: unknown[] = Array.isArray(deps) ? deps : deps ? [deps] : [];
            dependencies.set(`${t.type}::${t.name}`, list.flatMap((d) => (d instanceof pulumi.Resource && names.has(d) ? [names.get(d)!] : [])));
            secretOutputs.set(`${t.type}::${t.name}`, (t.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? []);
            return undefined;
        });
        try {
            exported = (load() ?? {}) as Record<string, unknown>;
        } catch (err) {
            failure = err;
        }
        return exported;
    });
    // Stack outputs can resolve before every registration has reached the monitor: drain the RPC queue first.
    await pulumi.runtime.disconnect();
    Error.stackTraceLimit = stackTraceLimit;
    const resources = registered.map((r) => {
        const key = `${r.type}::${r.name}`;
        return { ...r, parent: parents.get(key) ?? null, dependsOn: dependencies.get(key) ?? [], additionalSecretOutputs: secretOutputs.get(key) ?? [] };
    });
    if (failure !== undefined) {
        // The program threw (a ConfigError, say): report it with what had been registered by then.
        throw Object.assign(failure as object, { plannedResources: resources });
    }
    return { resources, outputs: await resolveOutputs(exported), generatedSecrets };
}

function defaultLoad(): unknown {
    // index.ts exports the program as a function, so every run evaluates it afresh (module caches do not matter).
    const program = require(path.join(__dirname, "..", "index")) as () => unknown;
    return program();
}

/** The program's exports are Outputs; unwrap them, keeping secretness as a wrapper. */
async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(v)) {
            const value = await new Promise<unknown>((resolve) => (v as pulumi.Output<unknown>).apply(resolve));
            const secret = await pulumi.isSecret(v as pulumi.Output<unknown>);
            result[k] = secret ? { [SECRET.key]: SECRET.sig, value } : value;
        } else {
            result[k] = v;
        }
    }
    return result;
}
