import * as pulumi from "@pulumi/pulumi";
import { argon2Verify } from "hash-wasm";
import { ARGON2, hashPassword } from "../../components/files/authelia";
import { PasswordHash, PasswordHashInputs, PasswordHashOutputs, passwordHashProvider } from "../../components/passwordHash";
import { isSecret, mockPasswordHash, reveal } from "../../scripts/offline";
import { component } from "./support";

const TYPE = "pulumi-nodejs:dynamic/monsterr:PasswordHash";

/** Authelia's cost, as its users' resources get it. */
const inputs = (over: Partial<PasswordHashInputs> = {}): PasswordHashInputs => ({ password: "correct horse battery", salt: "saltsaltsaltsalt", ...ARGON2, ...over });

describe("password hash provider (unit)", () => {
    it("create gives the PHC string hashPassword gives, and keeps its inputs", async () => {
        const { id, outs } = await passwordHashProvider.create!(inputs());
        expect(id).toBe("argon2id");
        // The reference of hashPassword's own test (Debian's argon2 CLI): the users file does not change for a stack.
        expect(outs.hash).toBe("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$sZAsNK5gGhQ9XCl86YZ48p29sjS3kOLiDzh53ydZrNE");
        expect(outs.hash).toBe(await hashPassword("correct horse battery", "saltsaltsaltsalt"));
        expect(outs).toEqual({ ...inputs(), hash: outs.hash });
    });

    it("hashes with the cost it is given", async () => {
        const { outs } = await passwordHashProvider.create!(inputs({ iterations: 1, memory: 1024, parallelism: 1, keyLength: 16 }));
        expect(outs.hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$c2FsdHNhbHRzYWx0c2FsdA\$[A-Za-z0-9+/]{22}$/);
        expect(await argon2Verify({ password: "correct horse battery", hash: outs.hash })).toBe(true);
    });

    it("diff: no change for the same inputs; a change (an update, never a replace) for another password, salt or cost", async () => {
        const olds = (await passwordHashProvider.create!(inputs())).outs as PasswordHashOutputs;
        const diff = (news: PasswordHashInputs, o: PasswordHashOutputs = olds) => passwordHashProvider.diff!("argon2id", o, news);
        expect(await diff(inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        const others: Partial<PasswordHashInputs>[] = [
            { password: "correct horse batterz" },
            { salt: "saltsaltsaltsalu" },
            { iterations: 4 },
            { memory: 32768 },
            { parallelism: 2 },
            { keyLength: 64 },
        ];
        for (const over of others) expect({ over, diff: await diff(inputs(over)) }).toEqual({ over, diff: { changes: true, replaces: [], deleteBeforeReplace: false } });
        // A state without a hash (an interrupted create) hashes again.
        expect((await diff(inputs(), { ...olds, hash: "" })).changes).toBe(true);
    });

    it("update recomputes for the new inputs; read returns the state as it is", async () => {
        const olds = (await passwordHashProvider.create!(inputs())).outs as PasswordHashOutputs;
        const { outs } = await passwordHashProvider.update!("argon2id", olds, inputs({ password: "another long password" }));
        expect(outs).toEqual({ ...inputs({ password: "another long password" }), hash: await hashPassword("another long password", "saltsaltsaltsalt") });
        expect(outs.hash).not.toBe(olds.hash);
        expect(await passwordHashProvider.read!("argon2id", olds)).toEqual({ id: "argon2id", props: olds });
    });

    it("ships as a small closure (hash-wasm by require, nothing of the program) that hashes the same", async () => {
        const { text } = await pulumi.runtime.serializeFunction(() => passwordHashProvider, { allowSecrets: true });
        expect(text.length).toBeLessThan(6000);
        expect(text).toContain('require("hash-wasm")');
        expect(text).not.toMatch(/authelia|__pulumi|Output|hashes/);
        const exported: { handler?: () => pulumi.dynamic.ResourceProvider } = {};
        new Function("exports", "require", text)(exported, require);
        const shipped = exported.handler!();
        expect((await shipped.create!(inputs())).outs.hash).toBe(await hashPassword("correct horse battery", "saltsaltsaltsalt"));
    });
});

describe("PasswordHash (mock engine)", () => {
    it("keeps the password a secret input and asks the engine to keep the hash secret; the plan's stand-in is a PHC string of no password", async () => {
        let hash: pulumi.Output<string> | undefined;
        const run = await component(() => {
            const parent = new pulumi.ComponentResource("monsterr:test:Group", "group");
            hash = new PasswordHash("group-svc-password-hash-admin", { password: "a plain long password", salt: "saltsaltsaltsalt", ...ARGON2 }, { parent }).hash;
            return { hash };
        });
        const [r] = run.resources.filter((x) => x.type === TYPE);
        expect([r.name, r.parent]).toEqual(["group-svc-password-hash-admin", "group"]);
        expect(isSecret(r.inputs.password)).toBe(true);
        expect(r.additionalSecretOutputs).toEqual(expect.arrayContaining(["hash", "password"]));
        expect(reveal(r.inputs)).toMatchObject({ password: "a plain long password", salt: "saltsaltsaltsalt", ...ARGON2 });
        expect(isSecret(run.outputs.hash)).toBe(true);
        expect(await pulumi.isSecret(hash!)).toBe(true);
        const stand = mockPasswordHash("group-svc-password-hash-admin", { salt: "saltsaltsaltsalt", ...ARGON2 });
        expect(reveal(run.outputs.hash)).toBe(stand);
        expect(stand).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$c2FsdHNhbHRzYWx0c2FsdA\$MockHashNotReal[0-9a-f]{27}[AEIMQUYcgkosw048]$/);
        expect(Buffer.from(stand.split("$")[5], "base64")).toHaveLength(ARGON2.keyLength);
        expect(await argon2Verify({ password: "a plain long password", hash: stand })).toBe(false);
    });

    it("with realPasswordHashes, the hash the provider computes", async () => {
        const run = await component(() => ({ hash: new PasswordHash("h", { password: "correct horse battery", salt: "saltsaltsaltsalt", ...ARGON2 }).hash }), { realPasswordHashes: true });
        expect(reveal(run.outputs.hash)).toBe(await hashPassword("correct horse battery", "saltsaltsaltsalt"));
    });
});
