import * as pulumi from "@pulumi/pulumi";
import { statusOf } from "../transport";
import { AppAccess, appForm, appJson } from "./appClient";

/**
 * Bazarr's connection to Sonarr or Radarr: `general.use_<app>` and the `<app>` section of its settings, written
 * through `POST /api/system/settings` (form fields `settings-<section>-<key>`) and read back from
 * `GET /api/system/settings`, which shows every key in clear (morpheus65535/bazarr bazarr/api/system/settings.py).
 */
export type BazarrArr = "sonarr" | "radarr";

export interface BazarrArrSettings {
    ip: string;
    port: number;
    base_url: string;
    ssl: boolean;
    apikey: string;
}

export function bazarrArrSettings(app: BazarrArr, port: number, apiKey: string, host: string = app): BazarrArrSettings {
    // Bazarr casts every posted value it can to an int (config.py save_settings): an all-digit key would be refused.
    if (/^\d+$/.test(apiKey)) throw new Error(`the ${app} API key is all digits, which Bazarr would read as a number`);
    return { ip: host, port, base_url: "/", ssl: false, apikey: apiKey };
}

export function bazarrForm(app: BazarrArr, s: BazarrArrSettings | undefined): [string, string][] {
    if (!s) return [[`settings-general-use_${app}`, "false"]];
    return [
        [`settings-general-use_${app}`, "true"],
        ...(Object.entries(s) as [string, string | number | boolean][]).map(([k, v]): [string, string] => [`settings-${app}-${k}`, String(v)]),
    ];
}

/** Owned keys that differ in what Bazarr holds. */
export function bazarrDrift(app: BazarrArr, s: BazarrArrSettings, held: Record<string, any>): string[] {
    const drift: string[] = [];
    if (held.general?.[`use_${app}`] !== true) drift.push(`general.use_${app}`);
    for (const [k, v] of Object.entries(s)) if (held[app]?.[k] !== v) drift.push(`${app}.${k}`);
    return drift;
}

export interface BazarrLinkProps {
    access: AppAccess;
    app: BazarrArr;
    settings: BazarrArrSettings;
}

export interface BazarrLinkState extends BazarrLinkProps {
    drift: string[];
}

const SETTINGS = "/api/system/settings";

export const bazarrLinkProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: BazarrLinkState, news: BazarrLinkProps) {
        const same = JSON.stringify(olds.settings) === JSON.stringify(news.settings) && JSON.stringify(olds.access) === JSON.stringify(news.access);
        return { changes: !same || (olds.drift ?? []).length > 0 || olds.app !== news.app, replaces: olds.app !== news.app ? ["app"] : [], deleteBeforeReplace: true };
    },
    async create(inputs: BazarrLinkProps) {
        await appForm(inputs.access, SETTINGS, bazarrForm(inputs.app, inputs.settings));
        return { id: inputs.app, outs: { ...inputs, drift: [] } };
    },
    async read(id: string, props: BazarrLinkState) {
        const held = await appJson(props.access, "GET", SETTINGS);
        return { id, props: { ...props, drift: bazarrDrift(props.app, props.settings, held) } };
    },
    async update(_id: string, _olds: BazarrLinkState, news: BazarrLinkProps) {
        await appForm(news.access, SETTINGS, bazarrForm(news.app, news.settings));
        return { outs: { ...news, drift: [] } };
    },
    async delete(_id: string, props: BazarrLinkState) {
        try {
            await appForm(props.access, SETTINGS, bazarrForm(props.app, undefined));
        } catch (e) {
            // Bazarr already gone with its container: nothing left to unlink.
            if (statusOf(e) !== 404) throw e;
        }
    },
};

export class BazarrArrLink extends pulumi.dynamic.Resource {
    constructor(name: string, args: { access: pulumi.Input<AppAccess>; app: BazarrArr; settings: pulumi.Input<BazarrArrSettings> }, opts?: pulumi.CustomResourceOptions) {
        super(
            bazarrLinkProvider,
            name,
            { access: pulumi.secret(args.access), app: args.app, settings: pulumi.secret(args.settings), drift: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["access", "settings"] }),
            "monsterr",
            "BazarrArrLink",
        );
    }
}
