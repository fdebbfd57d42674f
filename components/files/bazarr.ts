import * as pulumi from "@pulumi/pulumi";
import { toYaml } from "./yaml";
import { FileBuilder } from "./types";

/**
 * Bazarr's config.yaml, seeded once with only its API key (`auth.apikey`), which the wiring logs in with: Bazarr
 * fills every missing key with its default and rewrites the file at start (bazarr/app/config.py), so afterwards it
 * is app state. A string key survives its type check; the generated key is never all digits (see bazarrArrSettings).
 */
export const bazarrFiles: FileBuilder = ({ secrets }) => [
    {
        path: "config/config.yaml",
        content: pulumi.secret(secrets.value("bazarr-api-key").apply((apikey) => toYaml({ auth: { apikey } }))),
        secret: true,
        mode: "0600",
        seedOnly: true,
    },
];
