import { SshHost } from "./sshHost/host";

/** A docker CLI stand-in on the host (no registry here): a server version, no containers of Monsterr's yet. */
const FAKE_DOCKER = ["#!/bin/sh", 'case "$1" in', "  version) echo 27.5.1 ;;", "  ps) case \"$*\" in *network=host*) cat /etc/monsterr-fake-ps-host 2>/dev/null || : ;; *) cat /etc/monsterr-fake-ps 2>/dev/null || : ;; esac ;;", '  *) echo "docker: $1 not simulated" >&2; exit 1 ;;', "esac", ""].join("\n");

/** A disposable host set up as the doctor wants one: Docker (simulated), the docker group, DOCKER-USER, tzdata. */
export function prepareDoctorHost(host: SshHost): void {
    host.exec(
        [
            `cat > /usr/local/bin/docker <<'EOF'\n${FAKE_DOCKER}EOF`,
            "chmod 0755 /usr/local/bin/docker",
            "groupadd -f docker && usermod -aG docker deploy",
            "iptables -N DOCKER-USER",
            "mkdir -p /usr/share/zoneinfo/Europe && [ -f /usr/share/zoneinfo/Europe/Berlin ] || printf 'TZif' > /usr/share/zoneinfo/Europe/Berlin",
            // cAdvisor's device: a container's /dev has no /dev/kmsg, a host's has (only its presence is checked).
            "[ -e /dev/kmsg ] || touch /dev/kmsg",
        ].join("\n"),
    );
}
