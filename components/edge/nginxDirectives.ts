/** nginx configuration as typed directives, serialized with nginx's quoting. */

/** One nginx directive: `name args...;` or, with `block`, `name args... { ... }`. */
export interface NginxDirective {
    name: string;
    args?: string[];
    block?: NginxDirective[];
}

export const d = (name: string, ...args: string[]): NginxDirective => ({ name, args });
export const when = (condition: string[], ...block: NginxDirective[]): NginxDirective => ({ name: "if", args: [`(${condition[0]}`, ...condition.slice(1), ")"], block });

/** Arguments that contain spaces, quotes, braces, `;` or `#`, or are empty, are double-quoted with escapes. */
export function nginxArg(arg: string): string {
    if (arg !== "" && !/[\s"'{};#\\]/.test(arg)) return arg;
    return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function serializeNginx(directives: NginxDirective[], depth = 0): string {
    const pad = "    ".repeat(depth);
    return directives
        .map((x) => {
            const head = [x.name, ...(x.args ?? []).map(nginxArg)].join(" ");
            if (!x.block) return `${pad}${head};\n`;
            return `${pad}${head} {\n${serializeNginx(x.block, depth + 1)}${pad}}\n`;
        })
        .join("");
}
