import { HostStateInputs, HostStateOutputs, hostStateProvider, nextGenerations, parseProbeOutput, probeScript, runProbes, statMode, withRepair } from "../../components/hostState";
import * as pulumi from "@pulumi/pulumi";

/** The host-state provider's logic, without a host: probes run in the local shell. */
const probes = {
    "a file": { command: "printf 'x\\ny\\n'", repair: "w1" },
    "fails": { command: "exit 3", repair: "w2" },
    "quotes 'and' spaces": { command: "echo '1  2'", repair: "w1" },
};

function state(over: Partial<HostStateOutputs> = {}): HostStateOutputs {
    return { connection: { kind: "local" }, probes, state: { "a file": "x y" }, secretState: { fails: "s" }, wanted: { "a file": "x y" }, secretWanted: { fails: "s" }, generations: {}, ...over };
}

describe("host state provider (unit)", () => {
    it("runs every probe in one script: multi-line output on one line, a failing probe empty, never stopping the rest", () => {
        const out = parseProbeOutput(probes, runProbes({ kind: "local" }, probeScript(probes)));
        expect(out).toEqual({ "a file": "x y", fails: "", "quotes 'and' spaces": "1  2" });
        expect(parseProbeOutput(probes, "")).toEqual({ "a file": "unreadable", fails: "unreadable", "quotes 'and' spaces": "unreadable" });
    });

    it("counts a repair only for drift, once per writer, not for the program's own change", () => {
        const news: HostStateInputs = { connection: { kind: "local" }, probes, state: { "a file": "x y" }, secretState: { fails: "s" } };
        expect(nextGenerations(state(), news)).toEqual({});
        expect(nextGenerations(state({ state: { "a file": "edited" } }), news)).toEqual({ w1: 1 });
        expect(nextGenerations(state({ state: { "a file": "edited" }, secretState: { fails: "x" }, generations: { w1: 4 } }), news)).toEqual({ w1: 5, w2: 1 });
        // The wanted value moved: the writer runs for its new content anyway.
        expect(nextGenerations(state({ state: { "a file": "edited" } }), { ...news, state: { "a file": "new" } })).toEqual({});
    });

    it("diffs what the host holds against what is wanted, and a changed probe set", async () => {
        const news: HostStateInputs = { connection: { kind: "local" }, probes, state: { "a file": "x y" }, secretState: { fails: "s" } };
        expect((await hostStateProvider.diff!("id", state(), news)).changes).toBe(false);
        expect((await hostStateProvider.diff!("id", state({ state: { "a file": "absent" } }), news)).changes).toBe(true);
        expect((await hostStateProvider.diff!("id", state({ secretState: { fails: "other" } }), news)).changes).toBe(true);
        expect((await hostStateProvider.diff!("id", state(), { ...news, probes: { ...probes, more: { command: "true", repair: "w3" } } })).changes).toBe(true);
        expect((await hostStateProvider.diff!("id", state(), { ...news, state: { ...news.state, more: "1" } })).changes).toBe(true);
    });

    it("create touches nothing and records what the writers will write; read records what the host holds", async () => {
        const inputs: HostStateInputs = { connection: { kind: "local" }, probes, state: { "a file": "wanted", "quotes 'and' spaces": "1  2" }, secretState: { fails: "s" } };
        const { outs } = await hostStateProvider.create!(inputs);
        expect(outs).toMatchObject({ state: inputs.state, wanted: inputs.state, generations: {} });
        const read = (await hostStateProvider.read!("id", outs)).props as HostStateOutputs;
        expect(read.state).toEqual({ "a file": "x y", "quotes 'and' spaces": "1  2" });
        expect(read.secretState).toEqual({ fails: "" });
        expect(read.wanted).toEqual(inputs.state);
    });

    it("a writer's script carries its repair count from 1 on, unchanged at 0", async () => {
        const text = (v: pulumi.Input<string>) => new Promise<string>((r) => pulumi.output(v).apply(r));
        expect(await text(withRepair("echo", 0))).toBe("echo");
        expect(await text(withRepair("echo", 2))).toBe("echo\n# monsterr repair 2");
        expect(withRepair("echo", undefined)).toBe("echo");
        expect([statMode("0640"), statMode("2775"), statMode("0400")]).toEqual(["640", "2775", "400"]);
    });
});
