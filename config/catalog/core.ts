import { ServiceSpec } from "./types";

export const CORE: ServiceSpec[] = [
    {
        name: "nginx-proxy-manager",
        group: "core",
        description: "Reverse proxy and TLS termination; the only container published on 80/443",
        image: { repository: "jc21/nginx-proxy-manager", tag: "2.15.1" },
        port: 81,
        flavor: "plain",
        networks: ["proxy"],
        publish: [
            { external: 80, protocol: "tcp" },
            { external: 443, protocol: "tcp" },
        ],
        volumes: [
            { source: { kind: "config", sub: "data" }, target: "/data" },
            { source: { kind: "config", sub: "letsencrypt" }, target: "/etc/letsencrypt" },
        ],
        // IP_RANGES_FETCH_ENABLED=false: NPM would otherwise trust X-Real-IP from every Cloudflare and CloudFront
        // address it downloads at start (backend/index.js); trusted proxies are the stack's choice (trustedProxies).
        env: { DISABLE_IPV6: "true", INITIAL_ADMIN_EMAIL: "${ADMIN_EMAIL}", IP_RANGES_FETCH_ENABLED: "false" },
        // The first admin (NPM >= 2.13) on an empty database; `__FILE` keeps the password out of the container's env.
        // NPM logs that password, so the program moves the admin to npm-admin-password right after (edge/npmAdmin.ts).
        secrets: [{ secret: "npm-bootstrap-password", env: "INITIAL_ADMIN_PASSWORD__FILE" }],
        healthcheck: {
            test: ["CMD", "/usr/bin/check-health"],
            interval: "30s",
            timeout: "10s",
            retries: 3,
            startPeriod: "1m0s",
            why: "NPM's own script (docker/rootfs/usr/bin/check-health, v2.15.1): curl of 127.0.0.1:81/api/, which answers without a login",
        },
        memoryMb: 512,
        // No route: its admin UI (81) is never public, not even behind Authelia. Monsterr drives its API from inside
        // the container; a person reaches the UI through an SSH tunnel to the fixed address (see README).
        reverseProxy: true,
        backup: { exclude: ["data/logs"], why: "access logs: large, and read only by Fail2Ban" },
        enabledByDefault: true,
        // Useless without the portal it forwards every decision to; it starts without it (Authelia is reached
        // through a variable, so nginx does not need it resolvable at start).
        requires: ["authelia"],
    },
    {
        name: "redis",
        group: "core",
        description: "Session store for Authelia, password-protected, on the sessions network only",
        image: { repository: "redis", tag: "7.4.11-alpine" },
        port: 6379,
        flavor: "plain",
        networks: ["sessions"],
        volumes: [
            { source: { kind: "config", sub: "data" }, target: "/data" },
            { source: { kind: "config", sub: "conf" }, target: "/usr/local/etc/redis", readOnly: true },
        ],
        command: ["redis-server", "/usr/local/etc/redis/redis.conf"],
        secrets: [{ secret: "redis-password" }],
        healthcheck: {
            // REDISCLI_AUTH, not -a: the password stays out of the process list.
            test: ["CMD-SHELL", 'REDISCLI_AUTH="$(cat /run/secrets/redis-password)" redis-cli ping | grep -q PONG'],
            interval: "30s",
            timeout: "5s",
            retries: 3,
            startPeriod: "10s",
            why: "redis-cli ships with redis; busybox sh, cat and grep in the Alpine base (tests/redis.test.ts runs this command)",
        },
        memoryMb: 256,
        runAsStackUser: true,
        enabledByDefault: true,
    },
    {
        name: "authelia",
        group: "core",
        description: "Single sign-on portal with TOTP/WebAuthn second factor, forward-auth for every route",
        image: { repository: "authelia/authelia", tag: "4.39.20" },
        port: 9091,
        flavor: "plain",
        networks: ["edge", "sessions", "metrics"],
        volumes: [{ source: { kind: "config" }, target: "/config" }],
        secrets: [
            { secret: "authelia-jwt-secret", env: "AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE" },
            { secret: "authelia-session-secret", env: "AUTHELIA_SESSION_SECRET_FILE" },
            { secret: "authelia-storage-key", env: "AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE" },
            { secret: "redis-password", env: "AUTHELIA_SESSION_REDIS_PASSWORD_FILE" },
        ],
        healthcheck: { image: "/app/healthcheck.sh: wget of /api/health (Dockerfile HEALTHCHECK, authelia v4.39.20)" },
        memoryMb: 256,
        runAsStackUser: true,
        route: { subdomain: "auth", auth: "bypass", probe: { path: "/api/health" } },
        metrics: { port: 9959, path: "/metrics" },
        enabledByDefault: true,
        requires: ["redis"],
        // Authelia checks its Redis sessions at start and exits after ~9.5 s without them (internal/session/provider.go).
        startAfter: ["redis"],
    },
    {
        name: "fail2ban",
        group: "core",
        description: "Bans abusive clients in DOCKER-USER (containers) and INPUT (sshd) from the proxy, Authelia and sshd logs",
        image: { repository: "crazymax/fail2ban", tag: "1.1.0" },
        port: 0,
        flavor: "plain",
        networks: [],
        hostNetwork: true,
        volumes: [
            { source: { kind: "config" }, target: "/data" },
            { source: { kind: "host", path: "/var/log" }, target: "/var/log", readOnly: true },
            { source: { kind: "config", service: "nginx-proxy-manager", sub: "data/logs" }, target: "/logs/proxy", readOnly: true },
            { source: { kind: "config", service: "authelia", sub: "logs" }, target: "/logs/authelia", readOnly: true },
            // Its socket (fail2ban.conf default of 1.1.0), shared with fail2ban-exporter.
            { source: { kind: "config", sub: "run" }, target: "/var/run/fail2ban" },
        ],
        // The image's entrypoint behind a script that picks the host's iptables backend (components/files/fail2ban.ts);
        // the command is the image's own CMD (Dockerfile of crazy-max/docker-fail2ban 1.1.0-r6).
        entrypoint: ["/bin/sh", "/data/monsterr-start.sh"],
        command: ["fail2ban-server", "-f", "-x", "-v", "start"],
        capabilities: ["NET_ADMIN", "NET_RAW"],
        healthcheck: { image: "fail2ban-client ping (Dockerfile HEALTHCHECK, crazy-max/docker-fail2ban 1.1.0-r6)" },
        memoryMb: 128,
        // Every host has an sshd to guard; on another host its only jail is sshd (no proxy or Authelia there).
        placement: "everyHost",
        enabledByDefault: true,
        startAfter: ["nginx-proxy-manager", "authelia"],
    },
];
