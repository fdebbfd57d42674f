/** One problem with one stack setting: which key, what is wrong, how to fix it. */
export interface ConfigIssue {
    key: string;
    problem: string;
    fix: string;
}

/** Thrown before any resource exists when the stack configuration is invalid; lists every problem at once. */
export class ConfigError extends Error {
    readonly issues: readonly ConfigIssue[];

    constructor(issues: readonly ConfigIssue[]) {
        super(
            `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
                issues.map((i) => `  - ${i.key}: ${i.problem}. Fix: ${i.fix}`).join("\n"),
        );
        this.name = "ConfigError";
        this.issues = issues;
    }
}
