import { npmAdminProvider } from "../../../components/edge/npmAdmin";

/** The NPM admin's diff (unit): what makes `pulumi up` log in to NPM again, and what never replaces it. */
describe("the NPM admin's diff (unit)", () => {
    const connection = { kind: "http" as const, url: "http://127.0.0.1:81" };
    const access = { connection, email: "admin@example.com", password: "stack-password-0123456789" };
    const state = { access, bootstrapPassword: "bootstrap-password-0123456789", current: true };
    const diff = (olds: object, news: object) => npmAdminProvider.diff!("admin@example.com", olds, news);

    it("changes nothing when the stack's password still opens NPM with the same settings, and never replaces", async () => {
        expect(await diff(state, { access, bootstrapPassword: state.bootstrapPassword })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it.each([
        ["the stack's password no longer opens NPM (read found it changed by hand)", { ...state, current: false }, {}],
        ["a new stack password", state, { access: { ...access, password: "another-password-0123456789" } }],
        ["a new bootstrap password", state, { bootstrapPassword: "another-bootstrap-0123456789" }],
        ["another way to reach NPM", state, { access: { ...access, connection: { kind: "http", url: "http://127.0.0.1:82" } } }],
        ["a state from before the admin was tracked", { current: true }, {}],
    ])("updates for %s", async (_why, olds, change) => {
        expect(await diff(olds, { access, bootstrapPassword: state.bootstrapPassword, ...change })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
});
