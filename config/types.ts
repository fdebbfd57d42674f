import * as pulumi from "@pulumi/pulumi";
import type { AlertingConfig } from "./alerting";
import type { HouseholdUser } from "./users";
import type { BackupConfig } from "./backup";
import type { VpnConfig } from "./vpn";
import { ImageRef, ServiceName } from "./catalog/types";

/** The name of the stack's own host (`monsterr:host`) wherever hosts are named: `services.<name>.host`, placement. */
export const EDGE_HOST = "edge";

/** What a host offers the others when the stack has more than one (`monsterr:hosts`). */
interface HostExtras {
    /** The host's IPv4 address on the private link between the hosts (a LAN, WireGuard, Tailscale). */
    privateAddress?: string;
    /** The host has /dev/dri (hardware transcoding); unset on the edge host means unchecked. */
    gpu?: boolean;
    /** The name of the shared filesystem `storage.dataRoot` is on: hosts with the same one see one data tree. */
    dataShare?: string;
}

export type HostConfig =
    | ({ kind: "local"; dockerHost: string; memoryMb?: number } & HostExtras)
    | ({
          kind: "ssh";
          /** The host's memory in MiB, when the stack states it: the plan compares the apps' limits with it. */
          memoryMb?: number;
          address: string;
          /** The port Pulumi connects to. */
          port: number;
          /** The port sshd listens on, on the host: what the firewall opens and the sshd jail bans. */
          sshdPort: number;
          user: string;
          /** The host's public key (`ssh-ed25519 AAAA...`), pinned: no trust on first use. */
          hostKey: string;
      } & HostExtras);

/** A host of `monsterr:hosts`: always reached over SSH, always on the private link. */
export type RemoteHostConfig = Extract<HostConfig, { kind: "ssh" }> & { privateAddress: string; gpu: boolean; dataShare?: string };

export interface StorageConfig {
    /** Absolute path holding every app's own state, one folder per service. */
    configRoot: string;
    /** Absolute path of the one media/downloads tree (TRaSH layout) every app sees as /data. */
    dataRoot: string;
}

export interface ResolvedService {
    enabled: boolean;
    image: ImageRef;
    memoryMb: number;
    /** Docker `--cpus`, already in the form the provider reads back. */
    cpus?: string;
    /** Host devices for the container, when the stack sets them (replacing the catalog's). */
    devices?: string[];
    /** Shares the VPN container's network namespace (monsterr:vpn): no networks or published ports of its own. */
    behindVpn?: boolean;
    /**
     * The host it runs on: `edge` or a key of `hosts`, always resolved (a VPN container and an exporter follow the
     * app they serve; node-exporter and cAdvisor say `edge` and run on every other host too, see config/placement.ts).
     */
    host: string;
}

export type TlsConfig =
    | { mode: "selfsigned" }
    | { mode: "letsencrypt"; challenge: "http" }
    | { mode: "letsencrypt"; challenge: "dns"; dnsProvider: string };

export interface MonitoringConfig {
    /** Prometheus `--storage.tsdb.retention.time`, e.g. 30d. */
    retentionTime: string;
    /** Prometheus `--storage.tsdb.retention.size`, e.g. 10GB. */
    retentionSize: string;
    /** When the update notifier (Diun) looks for newer images: a five-field cron schedule, at most hourly. */
    updateCheck: string;
    /** An update published this many days ago and still not deployed raises ImageUpdateOverdue. */
    updatesOverdueDays: number;
}

export interface NetworkConfig {
    /** IPv4 subnet of monsterr-proxy; pinned so the proxy's address and the host gateway are known in advance. */
    proxySubnet: string;
    /** IPv4 subnet of the internal monsterr-backend network. */
    backendSubnet: string;
}

/** The validated stack configuration: plain typed values, secrets as Pulumi outputs. */
export interface StackConfig {
    stack: string;
    domain: string;
    adminEmail: string;
    adminUser: string;
    timezone: string;
    puid: number;
    pgid: number;
    umask: string;
    /** The edge host: the proxy, Authelia, monitoring and every service not placed elsewhere. */
    host: HostConfig;
    /** Other hosts by name (`monsterr:hosts`); `{}` when the stack has one host. */
    hosts: Record<string, RemoteHostConfig>;
    storage: StorageConfig;
    torrentPort: number;
    tls: TlsConfig;
    monitoring: MonitoringConfig;
    networks: NetworkConfig;
    /** Proxies in front of the reverse proxy (a CDN, a LAN load balancer) whose X-Forwarded-For is believed; CIDRs. */
    trustedProxies: string[];
    /** Alertmanager receivers and routes (`monsterr:alerting`); none configured means a null receiver. */
    alerting: AlertingConfig;
    services: Record<ServiceName, ResolvedService>;
    /** Household accounts in Authelia besides the admin (`monsterr:users`). */
    users: HouseholdUser[];
    /** Scheduled restic backups of the config root (`monsterr:backup`). */
    backup: BackupConfig;
    /** qBittorrent behind gluetun (`monsterr:vpn`). */
    vpn: VpnConfig;
    secrets: StackSecrets;
}

/** Secrets the user supplies (never generated ones); all optional. */
export interface StackSecrets {
    /** SSH private key for host commands; without it the SSH agent is used. */
    sshPrivateKey?: pulumi.Output<string>;
    /** Plex claim token, only useful on the very first start. */
    plexClaim?: pulumi.Output<string>;
    /** DNS-01 API credentials (provider-specific INI). */
    dnsCredentials?: pulumi.Output<string>;
    /** The Authelia admin's password, instead of a generated one (at least 12 characters). */
    adminPassword?: pulumi.Output<string>;
    /** Household users' own passwords: a JSON object of user name -> password (12+ characters each). */
    userPasswords?: pulumi.Output<string>;
    /** Credentials of an S3-compatible backup repository. */
    backupS3AccessKeyId?: pulumi.Output<string>;
    backupS3SecretAccessKey?: pulumi.Output<string>;
    /** VPN credentials for gluetun (monsterr:vpn): WireGuard's private key, or OpenVPN's service credentials. */
    vpnWireguardPrivateKey?: pulumi.Output<string>;
    vpnOpenvpnUser?: pulumi.Output<string>;
    vpnOpenvpnPassword?: pulumi.Output<string>;
    /** Alertmanager receiver credentials; see config/alerting.ts. */
    alertingSmtpPassword?: pulumi.Output<string>;
    alertingWebhookToken?: pulumi.Output<string>;
    alertingNtfyToken?: pulumi.Output<string>;
    alertingDiscordUrl?: pulumi.Output<string>;
}

/** Per secret key: true when set as a secret, false when set in plain text (an error), absent when unset. */
export type SecretPresence = Partial<Record<keyof StackSecrets, boolean>>;
