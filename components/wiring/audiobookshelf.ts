import * as pulumi from "@pulumi/pulumi";
import { statusOf } from "../transport";
import { AppAccess, appJson } from "./appClient";

/**
 * Audiobookshelf 2.36: its root user, created through `POST /init` before anyone else can (the endpoint answers
 * only while no root exists, server/Server.js), and its libraries. Every call logs in first (`POST /login`, whose
 * access token lives an hour) with the root login the stack generated.
 */
export interface AbsLogin {
    username: string;
    password: string;
}

async function login(access: AppAccess, who: AbsLogin): Promise<AppAccess> {
    const res = await appJson<{ user: { accessToken: string } }>(access, "POST", "/login", who);
    return { ...access, headers: { ...access.headers, Authorization: `Bearer ${res.user.accessToken}` } };
}

/** True when this login opens Audiobookshelf; 401 means "not this password". */
async function opens(access: AppAccess, who: AbsLogin): Promise<boolean> {
    try {
        await login(access, who);
        return true;
    } catch (e) {
        if (statusOf(e) === 401) return false;
        throw e;
    }
}

export interface AbsRootProps {
    access: AppAccess;
    root: AbsLogin;
}

export interface AbsRootState extends AbsRootProps {
    /** Whether the stack's login opened Audiobookshelf when last read. */
    current: boolean;
}

const LOCKED_OUT =
    "Audiobookshelf already has a root user whose password is not the stack's (set up by hand, or by an earlier stack whose secrets are gone). " +
    "Sign in as that user and set the password from `pulumi stack output adminCredentials --show-secrets` (audiobookshelf), then run pulumi up again.";

async function converge(p: AbsRootProps, previous?: AbsLogin): Promise<void> {
    const status = await appJson<{ isInit: boolean }>(p.access, "GET", "/status");
    if (!status.isInit) {
        await appJson(p.access, "POST", "/init", { newRoot: p.root });
        return;
    }
    if (await opens(p.access, p.root)) return;
    // A new stack password: change it with the previous one.
    if (previous && previous.username === p.root.username && (await opens(p.access, previous))) {
        const authed = await login(p.access, previous);
        await appJson(authed, "PATCH", "/api/me/password", { password: previous.password, newPassword: p.root.password });
        return;
    }
    throw new Error(LOCKED_OUT);
}

export const absRootProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: AbsRootState, news: AbsRootProps) {
        const changed = olds.current === false || JSON.stringify(olds.root) !== JSON.stringify(news.root) || JSON.stringify(olds.access) !== JSON.stringify(news.access);
        return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: AbsRootProps) {
        await converge(inputs);
        return { id: inputs.root.username, outs: { ...inputs, current: true } };
    },
    async read(id: string, props: AbsRootState) {
        return { id, props: { ...props, current: await opens(props.access, props.root) } };
    },
    async update(_id: string, olds: AbsRootState, news: AbsRootProps) {
        await converge(news, olds.root);
        return { outs: { ...news, current: true } };
    },
    // The root user is Audiobookshelf's own from now on: removing the link leaves it, as NPM's admin.
    async delete() {},
};

/** A library Monsterr declares: its name, media type and folders (paths inside the container). */
export interface AbsLibrarySpec {
    name: string;
    mediaType: "book" | "podcast";
    folders: string[];
}

export interface AbsLibraryProps {
    access: AppAccess;
    root: AbsLogin;
    spec: AbsLibrarySpec;
}

export interface AbsLibraryState extends AbsLibraryProps {
    drift: string[];
    adopted: boolean;
}

export function absLibraryDrift(spec: AbsLibrarySpec, held: Record<string, any>): string[] {
    const drift: string[] = [];
    if (held.name !== spec.name) drift.push("name");
    if (held.mediaType !== spec.mediaType) drift.push("mediaType");
    const folders = ((held.folders ?? []) as { fullPath: string }[]).map((f) => f.fullPath).sort();
    if (JSON.stringify(folders) !== JSON.stringify([...spec.folders].sort())) drift.push("folders");
    return drift;
}

const libraryBody = (s: AbsLibrarySpec) => ({ name: s.name, mediaType: s.mediaType, folders: s.folders.map((fullPath) => ({ fullPath })) });

export const absLibraryProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: AbsLibraryState, news: AbsLibraryProps) {
        const replaces = olds.spec?.mediaType !== news.spec.mediaType ? ["spec.mediaType"] : [];
        const changed = (olds.drift ?? []).length > 0 || JSON.stringify(olds.spec) !== JSON.stringify(news.spec) || JSON.stringify(olds.root) !== JSON.stringify(news.root) || JSON.stringify(olds.access) !== JSON.stringify(news.access);
        return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: AbsLibraryProps) {
        const authed = await login(inputs.access, inputs.root);
        const { libraries } = await appJson<{ libraries: Record<string, any>[] }>(authed, "GET", "/api/libraries");
        const existing = libraries.find((l) => l.name === inputs.spec.name);
        if (existing) {
            if (absLibraryDrift(inputs.spec, existing).length) await appJson(authed, "PATCH", `/api/libraries/${existing.id}`, libraryBody(inputs.spec));
            return { id: String(existing.id), outs: { ...inputs, drift: [], adopted: true } };
        }
        const created = await appJson(authed, "POST", "/api/libraries", libraryBody(inputs.spec));
        return { id: String(created.id), outs: { ...inputs, drift: [], adopted: false } };
    },
    async read(id: string, props: AbsLibraryState) {
        const authed = await login(props.access, props.root);
        try {
            const held = await appJson(authed, "GET", `/api/libraries/${id}`);
            return { id, props: { ...props, drift: absLibraryDrift(props.spec, held) } };
        } catch (e) {
            if (statusOf(e) === 404) return {};
            throw e;
        }
    },
    async update(id: string, olds: AbsLibraryState, news: AbsLibraryProps) {
        const authed = await login(news.access, news.root);
        await appJson(authed, "PATCH", `/api/libraries/${id}`, libraryBody(news.spec));
        return { outs: { ...news, drift: [], adopted: olds.adopted ?? false } };
    },
    async delete(id: string, props: AbsLibraryState) {
        // A library holds the user's listening progress: Monsterr removes only one it created, never an adopted one.
        if (props.adopted) return;
        const authed = await login(props.access, props.root);
        try {
            await appJson(authed, "DELETE", `/api/libraries/${id}`);
        } catch (e) {
            if (statusOf(e) !== 404) throw e;
        }
    },
};

export class AbsRoot extends pulumi.dynamic.Resource {
    constructor(name: string, args: { access: pulumi.Input<AppAccess>; root: pulumi.Input<AbsLogin> }, opts?: pulumi.CustomResourceOptions) {
        super(absRootProvider, name, { access: pulumi.secret(args.access), root: pulumi.secret(args.root), current: undefined }, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "root"] }), "monsterr", "AbsRoot");
    }
}

export class AbsLibrary extends pulumi.dynamic.Resource {
    constructor(name: string, args: { access: pulumi.Input<AppAccess>; root: pulumi.Input<AbsLogin>; spec: AbsLibrarySpec }, opts?: pulumi.CustomResourceOptions) {
        super(
            absLibraryProvider,
            name,
            { access: pulumi.secret(args.access), root: pulumi.secret(args.root), spec: args.spec, drift: undefined, adopted: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "root"] }),
            "monsterr",
            "AbsLibrary",
        );
    }
}

/** The two libraries of the data tree's audiobooks and podcasts (mounted at /audiobooks and /podcasts). */
export const ABS_LIBRARIES: AbsLibrarySpec[] = [
    { name: "Audiobooks", mediaType: "book", folders: ["/audiobooks"] },
    { name: "Podcasts", mediaType: "podcast", folders: ["/podcasts"] },
];
