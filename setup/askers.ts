import { confirm, input, select } from "@inquirer/prompts";
import { Asker } from "./flow";
import { Answers, QUESTIONS, Question } from "./questions";

/** The terminal: inquirer's prompts, which re-ask in place until the validator accepts the answer. */
export function terminalAsker(): Asker {
    return {
        async ask(q: Question, dflt: string, validate: (v: string) => string | undefined): Promise<string> {
            if (q.choices) return select({ message: q.message, default: dflt, choices: q.choices.map(([value, name]) => ({ value, name: `${value}: ${name}` })) });
            return (await input({ message: q.message, default: dflt, validate: (v) => validate(v.trim()) ?? true })).trim();
        },
        confirm: (_id, message, dflt) => confirm({ message, default: dflt }),
        say: (text) => console.log(text),
    };
}

/**
 * An answers file instead of a terminal (pipelines, tests): each question takes its answer or the default; the host
 * key is accepted only when `hostFingerprint` names the one the server presents; `writeDespiteFailures: yes` writes
 * with failed host checks. The summary is accepted by --yes only.
 */
export function scriptedAsker(answers: Answers, yes: boolean, log: (text: string) => void = () => undefined): Asker {
    return {
        async ask(q, dflt, validate) {
            const v = (answers[q.id] ?? dflt).trim();
            const error = validate(v);
            if (error) throw new Error(`${q.id}: ${error}`);
            return v;
        },
        async confirm(id, _message, _dflt, context) {
            if (id === "hostKey") return answers.hostFingerprint === context;
            if (id === "writeDespiteFailures") return answers.writeDespiteFailures === "yes";
            return yes;
        },
        say: log,
    };
}

/** Every answer of a file checked up front, in order: all problems at once, as a pipeline wants them. */
export function answerProblems(answers: Answers, defaults: Answers): string[] {
    const unknown = Object.keys(answers).filter((k) => !QUESTIONS.some((q) => q.id === k) && !["hostFingerprint", "writeDespiteFailures"].includes(k));
    const out = unknown.map((k) => `${k}: not a question of the setup (known: ${QUESTIONS.map((q) => q.id).join(", ")}, hostFingerprint, writeDespiteFailures)`);
    const given: Answers = {};
    for (const q of QUESTIONS) {
        if (q.when && !q.when(given)) continue;
        given[q.id] = (answers[q.id] ?? q.default(defaults)).trim();
        const error = q.validate(given[q.id], given);
        if (error) out.push(`${q.id}: ${error}`);
    }
    return out;
}
