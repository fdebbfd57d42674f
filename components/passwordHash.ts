import * as pulumi from "@pulumi/pulumi";

/**
 * The argon2id hash of a password, as a resource: hashed when the password, its salt or the cost changes, and read from
 * the state otherwise. Hashing in the program itself cost every preview, up and offline plan about a second of CPU
 * per account.
 */

/** argon2id cost: `memory` in KiB, `keyLength` in bytes. */
export interface Argon2Params {
    iterations: number;
    memory: number;
    parallelism: number;
    keyLength: number;
}

export interface PasswordHashInputs extends Argon2Params {
    password: string;
    salt: string;
}

export interface PasswordHashOutputs extends PasswordHashInputs {
    /** PHC string: `$argon2id$v=19$m=<memory>,t=<iterations>,p=<parallelism>$<salt>$<hash>`, unpadded base64. */
    hash: string;
}

/** argon2id PHC string of a password; deterministic for a given salt (its UTF-8 bytes). */
export function argon2idPhc(password: string, salt: string, p: Argon2Params): Promise<string> {
    // Required when hashing, not imported: the program never loads hash-wasm, and the provider's serialized closure
    // carries a `require("hash-wasm")` rather than the module.
    const { argon2id } = require("hash-wasm") as typeof import("hash-wasm");
    return argon2id({ password, salt: Buffer.from(salt), iterations: p.iterations, memorySize: p.memory, parallelism: p.parallelism, hashLength: p.keyLength, outputType: "encoded" });
}

/** What the hash depends on: a change to any of them is an update. */
const HASHED_FROM = ["password", "salt", "iterations", "memory", "parallelism", "keyLength"] as const;

async function hashed(inputs: PasswordHashInputs): Promise<PasswordHashOutputs> {
    const { password, salt, iterations, memory, parallelism, keyLength } = inputs;
    return { password, salt, iterations, memory, parallelism, keyLength, hash: await argon2idPhc(password, salt, inputs) };
}

/**
 * One object for every PasswordHash: Pulumi serializes a provider's closure once per object. The closure is these
 * methods, `hashed`, `argon2idPhc` and `HASHED_FROM`; hash-wasm goes in as a require.
 */
export const passwordHashProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: PasswordHashInputs) {
        return { id: "argon2id", outs: await hashed(inputs) };
    },
    // Nothing outside the state to look at: the hash is what was computed.
    async read(id: string, props: PasswordHashOutputs) {
        return { id, props };
    },
    // Plaintext on both sides (dynamic providers get secrets unwrapped); an unknown password (preview) is a change.
    async diff(_id: string, olds: PasswordHashOutputs, news: PasswordHashInputs) {
        const changes = !olds.hash || HASHED_FROM.some((k) => olds[k] !== news[k]);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: PasswordHashOutputs, news: PasswordHashInputs) {
        return { outs: await hashed(news) };
    },
    async delete() {},
};

export interface PasswordHashArgs {
    /** Kept a secret, whatever the caller passes. */
    password: pulumi.Input<string>;
    salt: pulumi.Input<string>;
    iterations: pulumi.Input<number>;
    memory: pulumi.Input<number>;
    parallelism: pulumi.Input<number>;
    keyLength: pulumi.Input<number>;
}

/** An argon2id PHC string in `hash`, a secret, recomputed (an update, never a replace) when an input changes. */
export class PasswordHash extends pulumi.dynamic.Resource {
    declare readonly hash: pulumi.Output<string>;

    constructor(name: string, args: PasswordHashArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            passwordHashProvider,
            name,
            { ...args, password: pulumi.secret(args.password), hash: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password", "hash"] }),
            "monsterr",
            "PasswordHash",
        );
    }
}
