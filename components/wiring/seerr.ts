import * as pulumi from "@pulumi/pulumi";
import { statusOf } from "../transport";
import { AppAccess, appJson } from "./appClient";

/**
 * Seerr's Sonarr and Radarr servers (`/api/v1/settings/sonarr|radarr`, seerr-team/seerr seerr-api.yml). Its API key
 * acts as user 1, which exists only after the first sign-in through plex.tv, so until then every settings call is
 * refused (403): the link then stays pending, says so in the stack's `wiring` output, and is made by the first `up`
 * after that sign-in. Seerr stores the body as given; it runs no connection test.
 */
export type SeerrArr = "sonarr" | "radarr";

export interface SeerrServerSpec {
    name: string;
    hostname: string;
    port: number;
    apiKey: string;
    useSsl: boolean;
    baseUrl: string;
    activeProfileId: number;
    activeProfileName: string;
    activeDirectory: string;
    is4k: boolean;
    isDefault: boolean;
    externalUrl: string;
    /** Sonarr only. */
    enableSeasonFolders?: boolean;
    /** Radarr only. */
    minimumAvailability?: "announced" | "inCinemas" | "released";
}

/** A fresh Sonarr or Radarr database's first quality profile ("Any", QualityProfileService on first start). */
const FIRST_PROFILE = { id: 1, name: "Any" };

export function seerrServerSpec(app: SeerrArr, port: number, apiKey: string, library: string, externalUrl: string, host: string = app): SeerrServerSpec {
    return {
        name: `${app === "sonarr" ? "Sonarr" : "Radarr"} (Monsterr)`,
        hostname: host,
        port,
        apiKey,
        useSsl: false,
        baseUrl: "",
        activeProfileId: FIRST_PROFILE.id,
        activeProfileName: FIRST_PROFILE.name,
        activeDirectory: library,
        is4k: false,
        isDefault: true,
        externalUrl,
        ...(app === "sonarr" ? { enableSeasonFolders: true } : { minimumAvailability: "released" as const }),
    };
}

export function seerrDrift(spec: SeerrServerSpec, held: Record<string, any>): string[] {
    return (Object.keys(spec) as (keyof SeerrServerSpec)[]).filter((k) => held[k] !== spec[k]);
}

export interface SeerrLinkProps {
    access: AppAccess;
    app: SeerrArr;
    spec: SeerrServerSpec;
}

export interface SeerrLinkState extends SeerrLinkProps {
    /** Waiting for Seerr's first sign-in: the next `up` tries again. */
    pending: boolean;
    drift: string[];
    adopted: boolean;
}

export const SEERR_PENDING = "waiting for Seerr's first sign-in (with Plex)";

const servers = (app: SeerrArr) => `/api/v1/settings/${app}`;

/** Makes the link, or reports it pending while Seerr has no admin yet. */
async function converge(p: SeerrLinkProps, id?: string): Promise<{ id: string; outs: SeerrLinkState }> {
    let held: Record<string, any>[];
    try {
        held = await appJson(p.access, "GET", servers(p.app));
    } catch (e) {
        if (statusOf(e) === 403) return { id: id ?? `pending-${p.app}`, outs: { ...p, pending: true, drift: [], adopted: false } };
        throw e;
    }
    const existing = held.find((s) => (id !== undefined && !id.startsWith("pending") && String(s.id) === id) || s.name === p.spec.name);
    if (existing) {
        if (seerrDrift(p.spec, existing).length) await appJson(p.access, "PUT", `${servers(p.app)}/${existing.id}`, p.spec);
        return { id: String(existing.id), outs: { ...p, pending: false, drift: [], adopted: id === undefined || id.startsWith("pending") } };
    }
    const created = await appJson(p.access, "POST", servers(p.app), p.spec);
    return { id: String(created.id), outs: { ...p, pending: false, drift: [], adopted: false } };
}

export const seerrLinkProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: SeerrLinkState, news: SeerrLinkProps) {
        const changed = olds.pending === true || (olds.drift ?? []).length > 0 || JSON.stringify(olds.spec) !== JSON.stringify(news.spec) || JSON.stringify(olds.access) !== JSON.stringify(news.access);
        // Seerr numbers its servers itself: a server made after a pending phase gets a new id.
        return { changes: changed, replaces: olds.pending === true ? ["pending"] : [], deleteBeforeReplace: true };
    },
    async create(inputs: SeerrLinkProps) {
        return converge(inputs);
    },
    async read(id: string, props: SeerrLinkState) {
        if (props.pending) return { id, props };
        try {
            const held: Record<string, any>[] = await appJson(props.access, "GET", servers(props.app));
            const found = held.find((s) => String(s.id) === id);
            if (!found) return {};
            return { id, props: { ...props, drift: seerrDrift(props.spec, found) } };
        } catch (e) {
            if (statusOf(e) === 403) return { id, props: { ...props, drift: ["access"] } };
            throw e;
        }
    },
    async update(id: string, olds: SeerrLinkState, news: SeerrLinkProps) {
        const r = await converge(news, id);
        return { outs: { ...r.outs, adopted: olds.adopted ?? r.outs.adopted } };
    },
    async delete(id: string, props: SeerrLinkState) {
        if (props.pending || props.adopted) return;
        try {
            await appJson(props.access, "DELETE", `${servers(props.app)}/${id}`);
        } catch (e) {
            if (statusOf(e) !== 404 && statusOf(e) !== 403) throw e;
        }
    },
};

export class SeerrArrLink extends pulumi.dynamic.Resource {
    declare readonly pending: pulumi.Output<boolean>;

    constructor(name: string, args: { access: pulumi.Input<AppAccess>; app: SeerrArr; spec: pulumi.Input<SeerrServerSpec> }, opts?: pulumi.CustomResourceOptions) {
        super(
            seerrLinkProvider,
            name,
            { access: pulumi.secret(args.access), app: args.app, spec: pulumi.secret(args.spec), pending: undefined, drift: undefined, adopted: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "spec"] }),
            "monsterr",
            "SeerrArrLink",
        );
    }
}
