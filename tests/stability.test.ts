import { freshPlan, plan, redact } from "./support/plan";

/**
 * A second `pulumi up` with no config change must change nothing: the program has to produce byte-identical
 * inputs on every evaluation (no timestamps, random salts or map-order effects outside Pulumi random resources).
 */
describe("stability", () => {
    it.each(["dev", "prod", "split"] as const)("two evaluations of the %s stack give identical resources and inputs", async (stack) => {
        const first = await freshPlan(stack);
        const second = await freshPlan(stack);
        // The engine keys resources by URN: the order they register in (promise timing) does not matter, their inputs do.
        const shape = (p: typeof first) =>
            p.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: redact(r.inputs) })).sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
        expect(shape(second)).toEqual(shape(first));
        expect([...second.files.entries()]).toEqual([...first.files.entries()]);
    });

    it("writes container inputs in the form the Docker provider reads them back", async () => {
        const p = await plan("prod");
        const goDuration = /^(\d+h)?(\d+m)?\d+(\.\d+)?s$/;
        for (const c of p.containers()) {
            if (c.healthcheck) {
                for (const field of ["interval", "timeout", "startPeriod"]) {
                    expect({ container: c.name, field, value: c.healthcheck[field] }).toEqual({ container: c.name, field, value: expect.stringMatching(goDuration) });
                }
            }
            for (const cap of c.capabilities?.adds ?? []) expect(cap).toMatch(/^CAP_[A-Z_]+$/);
            for (const port of c.ports ?? []) expect(port.ip).toBe("0.0.0.0");
            if (c.cpus !== undefined) expect(String(Number(c.cpus))).toBe(c.cpus);
        }
    });
});
