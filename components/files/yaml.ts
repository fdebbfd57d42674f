import * as yaml from "js-yaml";

/** Every generated YAML file: keys in the order the typed object declares them, no line folding, no anchors. */
export function toYaml(doc: object): string {
    return yaml.dump(doc, { lineWidth: -1, noRefs: true, sortKeys: false });
}
