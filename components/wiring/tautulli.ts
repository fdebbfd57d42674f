import * as pulumi from "@pulumi/pulumi";

/**
 * Tautulli's connection to Plex, through its `TAUTULLI_<KEY>` environment overrides (Tautulli/Tautulli v2.17.2
 * plexpy/config.py `_from_env`, since v2.15.3: read over config.ini and never written back). Plex listens on the
 * host's network, which Tautulli reaches at its edge network's gateway. Until Plex is claimed there is no token:
 * Tautulli then starts at its own setup page, and the next `up` after the claim connects it.
 */
export function tautulliPlexEnv(gateway: string, token: pulumi.Output<string | undefined>): pulumi.Output<string[]> {
    return pulumi.secret(
        token.apply((t) => [
            `TAUTULLI_PMS_IP=${gateway}`,
            "TAUTULLI_PMS_PORT=32400",
            "TAUTULLI_PMS_SSL=0",
            ...(t ? [`TAUTULLI_PMS_TOKEN=${t}`, "TAUTULLI_FIRST_RUN_COMPLETE=1"] : []),
        ]),
    );
}
