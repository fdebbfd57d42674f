import * as pulumi from "@pulumi/pulumi";
import { ApiConnection, isUnreachable, readInContainer } from "../transport";

/**
 * The Plex server's own token (`PlexOnlineToken` in Preferences.xml), which apps need to talk to it. It exists once
 * the server is claimed: on the first start with `monsterr:plexClaim`, or later by signing in at its web app. Until
 * then the links that need it wait, and the stack's `wiring` output says what to do; the `up` never fails for it.
 */
export const PLEX_PREFERENCES = "/config/Library/Application Support/Plex Media Server/Preferences.xml";

/** The token from Preferences.xml (an attribute of its single `<Preferences .../>` element), or "" while unclaimed. */
export function plexTokenFromPreferences(xml: string | undefined): string {
    if (!xml) return "";
    const m = /<Preferences\b[^>]*\sPlexOnlineToken="([^"]*)"/.exec(xml);
    return m ? m[1] : "";
}

export interface PlexTokenProps {
    connection: ApiConnection;
    container: string;
    /** Whether a claim token was given: then the first read waits for Plex to claim itself. */
    claiming: boolean;
}

export interface PlexTokenState extends PlexTokenProps {
    token: string;
    claimed: boolean;
}

/** How long the first read waits for a server started with a claim token to claim itself (plex.tv round trip). */
export const CLAIM_WAIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `strict`: a container that cannot be asked is an error rather than "not claimed yet". */
async function readToken(p: PlexTokenProps, waitMs: number, strict = false): Promise<string> {
    const until = Date.now() + waitMs;
    for (;;) {
        let token = "";
        try {
            token = plexTokenFromPreferences(await readInContainer(p.connection, p.container, PLEX_PREFERENCES));
        } catch (e) {
            // Plex's container still starting: the same as "not claimed yet", until the wait is over.
            if (strict || !isUnreachable(e)) throw e;
        }
        if (token || Date.now() >= until) return token;
        await sleep(2000);
    }
}

const state = (p: PlexTokenProps, token: string): PlexTokenState => ({ ...p, token, claimed: token !== "" });

export const plexTokenProvider: pulumi.dynamic.ResourceProvider = {
    // Looks at the host on every preview and up: a server claimed since the last run is noticed without a refresh.
    async diff(_id: string, olds: PlexTokenState, news: PlexTokenProps) {
        let now = olds.token;
        try {
            now = await readToken(news, 0, true);
        } catch {
            // The host cannot be asked now: nothing to say about the token.
        }
        return { changes: now !== olds.token || JSON.stringify(olds.connection) !== JSON.stringify(news.connection), replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: PlexTokenProps) {
        return { id: inputs.container, outs: state(inputs, await readToken(inputs, inputs.claiming ? CLAIM_WAIT_MS : 0)) };
    },
    async read(id: string, props: PlexTokenState) {
        return { id, props: state(props, await readToken(props, 0)) };
    },
    async update(_id: string, _olds: PlexTokenState, news: PlexTokenProps) {
        return { outs: state(news, await readToken(news, 0)) };
    },
    async delete() {},
};

export class PlexToken extends pulumi.dynamic.Resource {
    declare readonly token: pulumi.Output<string>;
    declare readonly claimed: pulumi.Output<boolean>;

    constructor(name: string, args: { connection: pulumi.Input<ApiConnection>; container: string; claiming: boolean }, opts?: pulumi.CustomResourceOptions) {
        super(
            plexTokenProvider,
            name,
            { connection: pulumi.secret(args.connection), container: args.container, claiming: args.claiming, token: undefined, claimed: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["connection", "token"] }),
            "monsterr",
            "PlexToken",
        );
    }
}
