import * as pulumi from "@pulumi/pulumi";
import { statusOf } from "../transport";
import { AppAccess, appJson } from "./appClient";
import {
    ArrApp,
    ProviderObjectSpec,
    RootFolderSpec,
    apiBase,
    providerObjectBody,
    providerObjectDrift,
    providerObjectFromApi,
    rootFolderBody,
    rootFolderFromApi,
} from "./arr";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Inputs of a provider-object link; `access` and `spec` (which holds a password or an API key) are secrets. */
export interface ProviderObjectProps {
    access: AppAccess;
    app: ArrApp;
    spec: ProviderObjectSpec;
}

export interface ProviderObjectState extends ProviderObjectProps {
    /** Owned settings the app held differently when last read (refresh); the next `up` puts them back. */
    drift: string[];
    /** Found under the same name instead of created: `destroy` leaves it where it was. */
    adopted: boolean;
}

const collection = (p: ProviderObjectProps) => `${apiBase(p.app)}/${p.spec.resource}`;

async function enable(p: ProviderObjectProps, id: number): Promise<void> {
    // forceSave on PUT skips the connection test, so a link can be made while its other end is still starting.
    await appJson(p.access, "PUT", `${collection(p)}/${id}?forceSave=true`, providerObjectBody(p.spec, true, id));
}

/**
 * A download client in an *arr app, or an application in Prowlarr. `read` returns what the app holds (404: gone, so
 * refresh drops it and the next `up` creates it again); `diff` compares owned settings, never masked secrets.
 */
export const providerObjectProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ProviderObjectState, news: ProviderObjectProps) {
        const changed = (olds.drift ?? []).length > 0 || !same(olds.spec, news.spec) || !same(olds.access, news.access);
        const replaces = olds.app !== news.app || olds.spec?.resource !== news.spec.resource ? ["app"] : [];
        return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: ProviderObjectProps) {
        const all = await appJson<Record<string, any>[]>(inputs.access, "GET", collection(inputs));
        const existing = all.find((o) => o.name === inputs.spec.name);
        let id: number;
        if (existing) {
            id = Number(existing.id);
        } else {
            // Created disabled: the apps test an enabled object on create, and fail while its other end starts.
            const created = await appJson(inputs.access, "POST", collection(inputs), providerObjectBody(inputs.spec, false));
            id = Number(created.id);
        }
        await enable(inputs, id);
        const outs: ProviderObjectState = { ...inputs, drift: [], adopted: existing !== undefined };
        return { id: String(id), outs };
    },

    async read(id: string, props: ProviderObjectState) {
        try {
            const o = await appJson(props.access, "GET", `${collection(props)}/${id}`);
            return { id, props: { ...props, drift: providerObjectDrift(props.spec, providerObjectFromApi(o)) } };
        } catch (e) {
            if (statusOf(e) === 404) return {};
            throw e;
        }
    },

    async update(id: string, olds: ProviderObjectState, news: ProviderObjectProps) {
        await enable(news, Number(id));
        return { outs: { ...news, drift: [], adopted: olds.adopted ?? false } };
    },

    async delete(id: string, props: ProviderObjectState) {
        if (props.adopted) return;
        try {
            await appJson(props.access, "DELETE", `${collection(props)}/${id}`);
        } catch (e) {
            if (statusOf(e) !== 404) throw e;
        }
    },
};

export interface RootFolderProps {
    access: AppAccess;
    app: ArrApp;
    spec: RootFolderSpec;
}

export interface RootFolderState extends RootFolderProps {
    drift: string[];
    adopted: boolean;
}

const folders = (p: RootFolderProps) => `${apiBase(p.app)}/rootfolder`;

function rootFolderDrift(spec: RootFolderSpec, seen: RootFolderSpec): string[] {
    return (Object.keys(spec) as (keyof RootFolderSpec)[]).filter((k) => spec[k] !== seen[k]);
}

/** A library's root folder. Its path identifies it (Sonarr and Radarr cannot edit one): a new path replaces it. */
export const rootFolderProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: RootFolderState, news: RootFolderProps) {
        const replaces = olds.spec?.path !== news.spec.path || olds.app !== news.app ? ["spec.path"] : [];
        const changed = (olds.drift ?? []).length > 0 || !same(olds.spec, news.spec) || !same(olds.access, news.access);
        return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: RootFolderProps) {
        const all = await appJson<Record<string, any>[]>(inputs.access, "GET", folders(inputs));
        const existing = all.find((o) => rootFolderFromApi(o).path === inputs.spec.path);
        if (!existing) {
            const created = await appJson(inputs.access, "POST", folders(inputs), rootFolderBody(inputs.spec));
            return { id: String(created.id), outs: { ...inputs, drift: [], adopted: false } };
        }
        const drift = rootFolderDrift(inputs.spec, rootFolderFromApi(existing));
        if (drift.length) await appJson(inputs.access, "PUT", `${folders(inputs)}/${existing.id}`, { id: existing.id, ...rootFolderBody(inputs.spec) });
        return { id: String(existing.id), outs: { ...inputs, drift: [], adopted: true } };
    },

    async read(id: string, props: RootFolderState) {
        const all = await appJson<Record<string, any>[]>(props.access, "GET", folders(props));
        const found = all.find((o) => String(o.id) === id);
        if (!found) return {};
        return { id, props: { ...props, drift: rootFolderDrift(props.spec, rootFolderFromApi(found)) } };
    },

    async update(id: string, olds: RootFolderState, news: RootFolderProps) {
        // Only Lidarr's and Readarr's root folders have settings besides the path (and a PUT).
        if (news.spec.name !== undefined) await appJson(news.access, "PUT", `${folders(news)}/${id}`, { id: Number(id), ...rootFolderBody(news.spec) });
        return { outs: { ...news, drift: [], adopted: olds.adopted ?? false } };
    },

    async delete(id: string, props: RootFolderState) {
        if (props.adopted) return;
        try {
            await appJson(props.access, "DELETE", `${folders(props)}/${id}`);
        } catch (e) {
            if (statusOf(e) !== 404) throw e;
        }
    },
};

export interface ArrLinkArgs<S> {
    access: pulumi.Input<AppAccess>;
    app: ArrApp;
    spec: pulumi.Input<S>;
}

/** A download client or a Prowlarr application. */
export class ArrProviderObject extends pulumi.dynamic.Resource {
    constructor(name: string, args: ArrLinkArgs<ProviderObjectSpec>, opts?: pulumi.CustomResourceOptions) {
        super(
            providerObjectProvider,
            name,
            { access: pulumi.secret(args.access), app: args.app, spec: pulumi.secret(args.spec), drift: undefined, adopted: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "spec"] }),
            "monsterr",
            "ArrProviderObject",
        );
    }
}

export class ArrRootFolder extends pulumi.dynamic.Resource {
    constructor(name: string, args: ArrLinkArgs<RootFolderSpec>, opts?: pulumi.CustomResourceOptions) {
        super(
            rootFolderProvider,
            name,
            { access: pulumi.secret(args.access), app: args.app, spec: args.spec, drift: undefined, adopted: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access"] }),
            "monsterr",
            "ArrRootFolder",
        );
    }
}
