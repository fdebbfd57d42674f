import * as YAML from "yaml";
import { projectConfig, settingsTable } from "../config/schema/render";

export const TABLE_START = "<!-- settings: rendered from config/schema/settings.ts by npm run settings -->";
export const TABLE_END = "<!-- end of settings -->";

/** README with its settings table (between the markers) rendered from the declared settings. */
export function renderedReadme(readme: string): string {
    const a = readme.indexOf(TABLE_START);
    const b = readme.indexOf(TABLE_END);
    if (a < 0 || b < a) throw new Error(`README.md has no settings markers (${TABLE_START} ... ${TABLE_END})`);
    return `${readme.slice(0, a + TABLE_START.length)}\n${settingsTable()}\n${readme.slice(b)}`;
}

/** Pulumi.yaml with its `config:` block rendered from the declared settings; the rest and its comments kept. */
export function renderedProjectFile(text: string): string {
    const doc = YAML.parseDocument(text);
    const config = doc.createNode(projectConfig());
    config.commentBefore = [
        " Rendered from config/schema/settings.ts by `npm run settings`; README's Settings table has the fields.",
        " Pulumi requires every declared key without a default, so only domain and adminEmail go without one; each",
        " default means to the program exactly what an unset key does. Secrets are not declared: each is optional.",
    ].join("\n");
    doc.set("config", config);
    return doc.toString({ lineWidth: 0 });
}
