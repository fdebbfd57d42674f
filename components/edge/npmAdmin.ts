import * as pulumi from "@pulumi/pulumi";
import { NpmAccess } from "./npmApi";
import { call, login, statusOf } from "./npmClient";

/**
 * NPM 2.15.1 creates its first admin from INITIAL_ADMIN_PASSWORD and writes that password to its container log
 * ("Creating a new user: <email> with password: <password>", backend/setup.js). So the container gets a bootstrap
 * password, and the program moves the admin to the stack's real password through the API right after the first
 * start: what the log shows opens nothing. The real password is on the host only root-readable, for a later stack to adopt.
 */
export interface NpmAdminProps {
    /** Connection and the stack's admin password (the one every other NPM resource logs in with). */
    access: NpmAccess;
    /** The password NPM created its admin with (INITIAL_ADMIN_PASSWORD), printed in its log. */
    bootstrapPassword: string;
}

export interface NpmAdminState extends NpmAdminProps {
    /** Whether the stack's password opened NPM when last read; false is drift that the next update repairs. */
    current: boolean;
}

/** True when the stack's password opens NPM. A 401 means "not this password"; anything else is an error. */
async function opens(access: NpmAccess): Promise<boolean> {
    try {
        await login(access);
        return true;
    } catch (e) {
        if (statusOf(e) === 401) return false;
        throw e;
    }
}

/** Moves the admin from the bootstrap password to the stack's; does nothing when the stack's already works. */
async function converge(props: NpmAdminProps): Promise<void> {
    if (await opens(props.access)) return;
    let session;
    try {
        session = await login({ ...props.access, password: props.bootstrapPassword });
    } catch (e) {
        if (statusOf(e) !== 401) throw e;
        throw new Error(
            "Nginx Proxy Manager accepts neither the stack's admin password nor its bootstrap password: its database holds one set outside this stack " +
                "(by hand, or by an earlier stack whose secrets are gone). Reset it (docs/operations.md, 'NPM admin password') and run pulumi up again.",
        );
    }
    await call(session, "PUT", "/api/users/me/auth", { type: "password", current: props.bootstrapPassword, secret: props.access.password });
}

export const npmAdminProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: NpmAdminState, news: NpmAdminProps) {
        const changed = olds.current === false || olds.access?.password !== news.access.password || olds.bootstrapPassword !== news.bootstrapPassword || JSON.stringify(olds.access?.connection) !== JSON.stringify(news.access.connection);
        return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: NpmAdminProps) {
        await converge(inputs);
        return { id: inputs.access.email, outs: { ...inputs, current: true } };
    },
    async read(id: string, props: NpmAdminState) {
        return { id, props: { ...props, current: await opens(props.access) } };
    },
    async update(_id: string, olds: NpmAdminState, news: NpmAdminProps) {
        // A new stack password: log in with the one NPM has now (the old stack password, or the bootstrap) to set it.
        if (!(await opens(news.access)) && olds.access?.password && olds.access.password !== news.access.password) {
            const session = await login({ ...news.access, password: olds.access.password }).catch(() => undefined);
            if (session) await call(session, "PUT", "/api/users/me/auth", { type: "password", current: olds.access.password, secret: news.access.password });
        }
        await converge(news);
        return { outs: { ...news, current: true } };
    },
    // Nothing to undo: the admin keeps its password, and the next stack can take it over with the same secret.
    async delete() {},
};

export interface NpmAdminArgs {
    access: pulumi.Input<NpmAccess>;
    bootstrapPassword: pulumi.Input<string>;
}

/** The NPM admin's password, moved from the bootstrap one (printed in NPM's log) to the stack's. */
export class NpmAdmin extends pulumi.dynamic.Resource {
    constructor(name: string, args: NpmAdminArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            npmAdminProvider,
            name,
            { access: pulumi.secret(args.access), bootstrapPassword: pulumi.secret(args.bootstrapPassword), current: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "bootstrapPassword"] }),
            "monsterr",
            "NpmAdmin",
        );
    }
}
