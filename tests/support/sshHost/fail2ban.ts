import { SshHost } from "./host";

/**
 * Fail2Ban on the disposable host with the plan's generated files, as the container would run it: jail.d and
 * filter.d under /etc/fail2ban (the image links /data/jail.d there), the logs at the container's paths, each
 * created empty first as the program guarantees on a real host.
 */
export function startFail2ban(host: SshHost, files: [string, string][]): void {
    const writes = files
        .filter(([p]) => /\/(jail|filter)\.d\/[^/]+$/.test(p))
        .map(([p, content]) => `mkdir -p /etc/fail2ban/${p.split("/").slice(-2, -1)[0]}\ncat >/etc/fail2ban/${p.split("/").slice(-2).join("/")} <<'MONSTERR_EOF'\n${content}MONSTERR_EOF`);
    host.exec(
        [
            "rm -f /etc/fail2ban/jail.d/*",
            ...writes,
            "mkdir -p /logs/authelia /logs/proxy /run/fail2ban",
            "touch /logs/authelia/authelia.log /logs/proxy/monsterr_access.log /var/log/auth.log",
            "fail2ban-client -x start >/dev/null",
            "for i in $(seq 50); do fail2ban-client ping >/dev/null 2>&1 && break; sleep 0.2; done",
        ].join("\n"),
    );
}

/** Five failed Authelia logins from `ip`, as Authelia 4.39 logs them; waits until the jail has banned it. */
export function failAutheliaLogins(host: SshHost, ip: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const line = `time="${now}" level=error msg="Unsuccessful 1FA authentication attempt by user 'admin'" error="authentication failed" method=POST path=/api/firstfactor remote_ip=${ip}`;
    host.exec(`for i in 1 2 3 4 5; do echo ${JSON.stringify(line).replace(/\$/g, "\\$")} >>/logs/authelia/authelia.log; done`);
    host.exec(`for i in $(seq 100); do fail2ban-client status monsterr-authelia | grep -q '${ip}' && exit 0; sleep 0.2; done; exit 1`);
}

/**
 * Runs the container's generated start script on the host the way the image would: its default `iptables` is
 * iptables-nft (a PATH shim here, whatever the host's own alternative), and /entrypoint.sh stands in for the
 * image's. Returns the backend the script chose.
 */
export function startScriptBackend(host: SshHost, script: string): string {
    const out = host.exec(
        [
            "d=$(mktemp -d)",
            'ln -s /usr/sbin/xtables-nft-multi "$d/iptables"',
            'ln -s /usr/sbin/xtables-nft-multi "$d/iptables-save"',
            `cat >"$d/start.sh" <<'MONSTERR_EOF'\n${script}MONSTERR_EOF`,
            "printf '#!/bin/sh\\nexec \"$@\"\\n' >/entrypoint.sh && chmod 755 /entrypoint.sh",
            'PATH="$d:$PATH" sh "$d/start.sh" true',
            'rm -rf "$d" /entrypoint.sh',
        ].join("\n"),
    );
    const m = /^monsterr: iptables backend (\S+)$/m.exec(out);
    if (!m) throw new Error(`the start script printed no backend: ${out}`);
    return m[1];
}
