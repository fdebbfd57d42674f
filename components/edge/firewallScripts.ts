import * as crypto from "crypto";
import type { WatchedProbe } from "../hostState";
import { script, shQuote } from "../shell";
import { AFTER_RULES, BLOCK_BEGIN, BLOCK_END, FirewallPolicy, UFW_COMMENT_PREFIX, afterRulesBlock, dockerUserRules, ufwRuleSpec } from "./ufwRules";

/** Whether ufw was active before monsterr first enabled it: delete restores that. */
export const UFW_STATE_FILE = "/etc/ufw/monsterr.state";

/** Packages the firewall and the sshd jail need on the host; installed only when missing. */
export const HOST_PACKAGES = [
    { command: "ufw", pkg: "ufw" },
    // Debian 12 logs sshd to journald only; the fail2ban image cannot read the journal, so rsyslog writes auth.log.
    { command: "rsyslogd", pkg: "rsyslog" },
];

export function packagesScript(packages: { command: string; pkg: string }[] = HOST_PACKAGES): string {
    return script(
        'missing=""',
        ...packages.map((p) => `command -v ${p.command} >/dev/null 2>&1 || missing="$missing ${p.pkg}"`),
        'if [ -n "$missing" ]; then',
        '  command -v apt-get >/dev/null 2>&1 || { echo "monsterr: install$missing on this host (no apt-get found)" >&2; exit 1; }',
        "  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null",
        "  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null",
        "fi",
        ...(packages.some((p) => p.pkg === "rsyslog") ? ["if [ -d /run/systemd/system ]; then systemctl enable --now rsyslog.service >/dev/null 2>&1; fi"] : []),
    );
}

/** UFW's default policies as /etc/default/ufw stores them, and the `ufw default` arguments that set them. */
const DEFAULT_POLICIES: [string, string, string][] = [
    ["DEFAULT_INPUT_POLICY", "DROP", "deny incoming"],
    ["DEFAULT_OUTPUT_POLICY", "ACCEPT", "allow outgoing"],
    ["DEFAULT_FORWARD_POLICY", "DROP", "deny routed"],
];

/** Lines that print monsterr's UFW rules (as `ufw show added` prints them, without the leading `ufw `). */
const OWN_RULES = `ufw show added | sed -n 's/^ufw //p' | grep -F ${shQuote(`comment '${UFW_COMMENT_PREFIX} `)}`;

/** Removes monsterr's block from after.rules into "$t"; sets changed=1 when the file differs from what is wanted. */
function rewriteAfterRules(block: string): string[] {
    return [
        `f=${AFTER_RULES}`,
        't=$(mktemp /etc/ufw/.after.rules.XXXXXX)',
        "trap 'rm -f \"$t\"' EXIT",
        `awk -v b=${shQuote(BLOCK_BEGIN)} -v e=${shQuote(BLOCK_END)} '$0==b{skip=1} !skip{print} $0==e{skip=0}' "$f" >"$t"`,
        ...(block ? [`printf '%s' ${shQuote(block)} >>"$t"`] : []),
        'if cmp -s "$t" "$f"; then changed=0; else chmod --reference="$f" "$t"; mv -f "$t" "$f"; changed=1; fi',
        "trap - EXIT",
        'rm -f "$t"',
    ];
}

/**
 * ufw reload flushes DOCKER-USER (after.rules declares it), which drops fail2ban's jumps into its ban chains:
 * restarting the fail2ban container re-creates them and restores its current bans from its database.
 */
function restartFail2ban(container: string | undefined): string[] {
    if (!container) return [];
    const c = shQuote(container);
    return [
        `if command -v docker >/dev/null 2>&1 && [ "$(docker container inspect -f '{{.State.Running}}' ${c} 2>/dev/null)" = true ]; then`,
        `  docker restart ${c} >/dev/null`,
        "fi",
    ];
}

/**
 * Converges UFW to the policy: defaults, monsterr's rules (added, stale ones removed), the DOCKER-USER block in
 * after.rules, and the live ruleset. Running it again changes nothing.
 */
export function ufwCreateScript(policy: FirewallPolicy, fail2banContainer?: string): string {
    const wanted = policy.ufw.map(ufwRuleSpec);
    const chainChecks = dockerUserRules(policy).map((r) => `iptables -w -C DOCKER-USER ${[...r.args, "-j", r.target].join(" ")}`);
    return script(
        "# monsterr firewall: UFW rules and the DOCKER-USER block",
        `command -v ufw >/dev/null 2>&1 || { echo "monsterr: ufw is not installed" >&2; exit 1; }`,
        `if [ ! -e ${UFW_STATE_FILE} ]; then`,
        `  if ufw status | grep -q '^Status: active'; then echo was-active >${UFW_STATE_FILE}; else echo was-inactive >${UFW_STATE_FILE}; fi`,
        "fi",
        // `ufw default` reloads an active firewall (flushing fail2ban's jumps): only when the policy differs.
        ...DEFAULT_POLICIES.map(([key, value, args]) => `grep -qx '${key}="${value}"' /etc/default/ufw || ufw default ${args} >/dev/null`),
        ...wanted.map((spec) => `ufw ${spec} >/dev/null`),
        `wanted=${shQuote(`|${wanted.join("|")}|`)}`,
        `${OWN_RULES} | while IFS= read -r rule; do`,
        '  case "$wanted" in *"|$rule|"*) ;; *) eval "ufw delete $rule" >/dev/null ;; esac',
        "done",
        ...rewriteAfterRules(afterRulesBlock(policy)),
        "reloaded=0",
        "if ufw status | grep -q '^Status: active'; then",
        // Reload when after.rules changed or the live chain lost a rule (a manual flush): the kernel converges too.
        `  if [ "$changed" = 1 ] || ! { ${chainChecks.map((c) => `${c} 2>/dev/null`).join(" && ")}; }; then ufw reload >/dev/null; reloaded=1; fi`,
        "else",
        "  ufw --force enable >/dev/null",
        "  reloaded=1",
        "fi",
        'if [ "$reloaded" = 1 ]; then',
        ...restartFail2ban(fail2banContainer).map((l) => `  ${l}`),
        "  :",
        "fi",
    );
}

/** Removes everything the create script added and leaves ufw enabled or disabled as it was found. */
export function ufwDeleteScript(fail2banContainer?: string): string {
    return script(
        "# monsterr firewall: remove UFW rules and the DOCKER-USER block",
        "command -v ufw >/dev/null 2>&1 || exit 0",
        `${OWN_RULES} | while IFS= read -r rule; do eval "ufw delete $rule" >/dev/null; done`,
        ...rewriteAfterRules(""),
        // ufw no longer declares DOCKER-USER, so reload would leave the live chain as it is: empty it here.
        "if iptables -w -n -L DOCKER-USER >/dev/null 2>&1; then",
        "  iptables -w -F DOCKER-USER",
        "  iptables -w -X DOCKER-USER 2>/dev/null || true",
        "fi",
        `if [ "$(cat ${UFW_STATE_FILE} 2>/dev/null || echo was-active)" = was-inactive ]; then`,
        "  ufw --force disable >/dev/null",
        "elif ufw status | grep -q '^Status: active'; then",
        "  ufw reload >/dev/null",
        "fi",
        `rm -f ${UFW_STATE_FILE}`,
        ...restartFail2ban(fail2banContainer),
    );
}

/**
 * What refresh reads back of the firewall: UFW active with its default policies, exactly monsterr's UFW rules, the
 * DOCKER-USER block in after.rules, and every rule of it live in the kernel (a flush shows even before a reload).
 */
export function firewallProbes(policy: FirewallPolicy): WatchedProbe[] {
    const wanted = policy.ufw.map(ufwRuleSpec);
    const block = afterRulesBlock(policy);
    return [
        { key: "firewall ufw status", command: "ufw status | head -n 1", expect: "Status: active" },
        {
            key: "firewall ufw defaults",
            command: "grep -E '^DEFAULT_(INPUT|OUTPUT|FORWARD)_POLICY=' /etc/default/ufw | sort",
            expect: DEFAULT_POLICIES.map(([key, value]) => `${key}="${value}"`).sort().join(" "),
        },
        { key: "firewall ufw rules", command: `${OWN_RULES} | sort`, expect: [...wanted].sort().join(" ") },
        {
            key: "firewall after.rules block",
            command: `awk -v b=${shQuote(BLOCK_BEGIN)} -v e=${shQuote(BLOCK_END)} '$0==b{on=1} on{print} $0==e{on=0}' ${AFTER_RULES} | sha256sum | cut -c1-64`,
            expect: crypto.createHash("sha256").update(block).digest("hex"),
        },
        ...dockerUserRules(policy).map((r) => {
            const rule = [...r.args, "-j", r.target].join(" ");
            return { key: `firewall DOCKER-USER ${rule}`, command: `if iptables -w -C DOCKER-USER ${rule}; then echo live; else echo missing; fi`, expect: "live" };
        }),
    ];
}
