import * as pulumi from "@pulumi/pulumi";
import { statusOf } from "../transport";
import { AppAccess, appJson } from "./appClient";

/**
 * Organizr v2 (causefx/Organizr v2-master): its first-run wizard, run by Monsterr with generated secrets before
 * anyone else can (`POST /api/v2/wizard` needs no login and never refuses a second run, so the proxy also blocks it
 * for everyone), and one tab per routed app. The API key (exactly 20 characters) goes in the `Token` header.
 */
export interface OrganizrSetupSpec {
    username: string;
    email: string;
    password: string;
    apiKey: string;
    hashKey: string;
    registrationPassword: string;
}

export const ORGANIZR_API_KEY_LENGTH = 20;

export function wizardBody(s: OrganizrSetupSpec): Record<string, string> {
    if (s.apiKey.length !== ORGANIZR_API_KEY_LENGTH) throw new Error(`Organizr API keys are exactly ${ORGANIZR_API_KEY_LENGTH} characters`);
    return {
        license: "personal",
        hashKey: s.hashKey,
        api: s.apiKey,
        registrationPassword: s.registrationPassword,
        username: s.username,
        password: s.password,
        email: s.email,
        driver: "sqlite3",
        dbName: "organizr",
        dbPath: "/config/www/db/",
    };
}

export interface OrganizrSetupProps {
    /** Headers: the API key as `Token`. */
    access: AppAccess;
    spec: OrganizrSetupSpec;
}

export interface OrganizrSetupState extends OrganizrSetupProps {
    current: boolean;
}

const LOCKED_OUT =
    "Organizr is already set up with an API key that is not the stack's (by hand, or by an earlier stack whose secrets are gone). " +
    "Set the key from `pulumi stack output adminCredentials --show-secrets` (organizr) in Organizr's settings (System Settings > Main > API), then run pulumi up again.";

async function keyWorks(a: AppAccess): Promise<boolean> {
    try {
        await appJson(a, "GET", "/api/v2/tabs");
        return true;
    } catch (e) {
        if (statusOf(e) === 401 || statusOf(e) === 403) return false;
        throw e;
    }
}

async function setUp(p: OrganizrSetupProps): Promise<void> {
    const status = await appJson<{ response: { data: { action: string } } }>(p.access, "GET", "/api/v2/status");
    if (status.response.data.action === "wizard") {
        await appJson(p.access, "POST", "/api/v2/wizard", wizardBody(p.spec));
        return;
    }
    if (!(await keyWorks(p.access))) throw new Error(LOCKED_OUT);
}

export const organizrSetupProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: OrganizrSetupState, news: OrganizrSetupProps) {
        // The wizard runs once: later changes of the secrets are Organizr's own settings (see LOCKED_OUT).
        const changed = olds.current === false || JSON.stringify(olds.access?.connection) !== JSON.stringify(news.access.connection);
        return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: OrganizrSetupProps) {
        await setUp(inputs);
        return { id: "organizr", outs: { ...inputs, current: true } };
    },
    async read(id: string, props: OrganizrSetupState) {
        return { id, props: { ...props, current: await keyWorks(props.access) } };
    },
    async update(_id: string, _olds: OrganizrSetupState, news: OrganizrSetupProps) {
        await setUp(news);
        return { outs: { ...news, current: true } };
    },
    async delete() {},
};

/** Organizr's tab types (js/functions.js): 2 opens the app in a new window, which every app allows. */
export const TAB_NEW_WINDOW = 2;
/** Groups: 0 Admin ... 4 User; a tab shows to users whose group is at most its `group_id`. */
export const ORGANIZR_GROUPS = { admins: 0, users: 4 } as const;

export interface OrganizrTabSpec {
    name: string;
    url: string;
    image: string;
    group_id: number;
}

export function tabBody(s: OrganizrTabSpec): Record<string, string | number> {
    // Organizr creates tabs hidden unless `enabled` is sent.
    return { name: s.name, url: s.url, image: s.image, group_id: s.group_id, type: TAB_NEW_WINDOW, enabled: 1 };
}

export function tabDrift(s: OrganizrTabSpec, held: Record<string, any>): string[] {
    const want = tabBody(s);
    return Object.keys(want).filter((k) => String(held[k]) !== String(want[k]));
}

export interface OrganizrTabProps {
    access: AppAccess;
    spec: OrganizrTabSpec;
}

export interface OrganizrTabState extends OrganizrTabProps {
    drift: string[];
    adopted: boolean;
}

type Envelope<T> = { response: { data: T } };

async function tabs(a: AppAccess): Promise<Record<string, any>[]> {
    return (await appJson<Envelope<{ tabs: Record<string, any>[] }>>(a, "GET", "/api/v2/tabs")).response.data.tabs;
}

export const organizrTabProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: OrganizrTabState, news: OrganizrTabProps) {
        const changed = (olds.drift ?? []).length > 0 || JSON.stringify(olds.spec) !== JSON.stringify(news.spec) || JSON.stringify(olds.access) !== JSON.stringify(news.access);
        return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: OrganizrTabProps) {
        const existing = (await tabs(inputs.access)).find((t) => t.name === inputs.spec.name);
        if (existing) {
            if (tabDrift(inputs.spec, existing).length) await appJson(inputs.access, "PUT", `/api/v2/tabs/${existing.id}`, tabBody(inputs.spec));
            return { id: String(existing.id), outs: { ...inputs, drift: [], adopted: true } };
        }
        await appJson(inputs.access, "POST", "/api/v2/tabs", tabBody(inputs.spec));
        // The answer carries only a message: find the new tab by its (unique) name.
        const created = (await tabs(inputs.access)).find((t) => t.name === inputs.spec.name);
        if (!created) throw new Error(`Organizr accepted the tab ${inputs.spec.name} but does not list it`);
        return { id: String(created.id), outs: { ...inputs, drift: [], adopted: false } };
    },
    async read(id: string, props: OrganizrTabState) {
        const held = (await tabs(props.access)).find((t) => String(t.id) === id);
        if (!held) return {};
        return { id, props: { ...props, drift: tabDrift(props.spec, held) } };
    },
    async update(id: string, olds: OrganizrTabState, news: OrganizrTabProps) {
        await appJson(news.access, "PUT", `/api/v2/tabs/${id}`, tabBody(news.spec));
        return { outs: { ...news, drift: [], adopted: olds.adopted ?? false } };
    },
    async delete(id: string, props: OrganizrTabState) {
        if (props.adopted) return;
        try {
            await appJson(props.access, "DELETE", `/api/v2/tabs/${id}`);
        } catch (e) {
            if (statusOf(e) !== 404) throw e;
        }
    },
};

export class OrganizrSetup extends pulumi.dynamic.Resource {
    constructor(name: string, args: { access: pulumi.Input<AppAccess>; spec: pulumi.Input<OrganizrSetupSpec> }, opts?: pulumi.CustomResourceOptions) {
        super(organizrSetupProvider, name, { access: pulumi.secret(args.access), spec: pulumi.secret(args.spec), current: undefined }, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "spec"] }), "monsterr", "OrganizrSetup");
    }
}

export class OrganizrTab extends pulumi.dynamic.Resource {
    constructor(name: string, args: { access: pulumi.Input<AppAccess>; spec: OrganizrTabSpec }, opts?: pulumi.CustomResourceOptions) {
        super(
            organizrTabProvider,
            name,
            { access: pulumi.secret(args.access), spec: args.spec, drift: undefined, adopted: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access"] }),
            "monsterr",
            "OrganizrTab",
        );
    }
}
