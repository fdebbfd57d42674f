#!/bin/sh
# Builds the disposable SSH test host image from Debian packages (no container registry needed) and tags it.
# Idempotent: an image with the tag already present is kept. Usage: build-image.sh [tag]
set -eu
TAG="${1:-monsterr-test-sshhost:bookworm-1}"
if docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "image $TAG present"
    exit 0
fi
# The mirror this machine's apt already uses: the only Debian source reachable here and in CI.
MIRROR=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | grep -m1 -E 'debian/?( |$)' | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//')
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
ROOT=$(mktemp -d /var/tmp/monsterr-sshhost.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
start=$(date +%s)
debootstrap --variant=minbase \
    --include=openssh-server,ufw,iptables,iproute2,procps,sudo,rsyslog,fail2ban,python3,netcat-openbsd \
    bookworm "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 || { tail -30 "$ROOT.log"; exit 1; }
rm -f "$ROOT.log"
# No keys in the image: every run generates its own host and client keys.
rm -f "$ROOT"/etc/ssh/ssh_host_*
mkdir -p "$ROOT/run/sshd"
chroot "$ROOT" useradd -m -s /bin/sh deploy
echo 'deploy ALL=(ALL) NOPASSWD: ALL' >"$ROOT/etc/sudoers.d/deploy"
chmod 0440 "$ROOT/etc/sudoers.d/deploy"
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
tar -C "$ROOT" -c . | docker import -c 'CMD ["/usr/sbin/sshd","-D","-e"]' - "$TAG" >/dev/null
echo "built $TAG in $(( $(date +%s) - start ))s"
