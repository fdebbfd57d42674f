import { isIPv6 } from "net";

/** Value formats the settings share: DNS names, addresses, paths, CIDRs, cron schedules, keys. */

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];
export const SAFE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
export const EMAIL = /^[^@\s"'\\<>]+@[a-z0-9.-]+\.[a-z]{2,}$/i;
export const USER_NAME = /^[a-z][a-z0-9_-]{1,31}$/;
export const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** A cron field: `*`, a number or range, with an optional step, comma-separated. */
const CRON_FIELD = String.raw`(?:\*|\d{1,2}(?:-\d{1,2})?)(?:\/\d{1,2})?(?:,(?:\*|\d{1,2}(?:-\d{1,2})?)(?:\/\d{1,2})?)*`;
/** Minute, hour, day of month, month, day of week; the minute one plain number, so it runs at most hourly. */
export const CRON_HOURLY_AT_MOST = new RegExp(String.raw`^[0-5]?\d ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD}$`);

export function isDomain(d: string): boolean {
    const labels = d.split(".");
    return d.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}
export function isIPv4(a: string): boolean {
    const parts = a.split(".");
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
/** An IPv4 address one host can reach another at: not unspecified (0/8), loopback (127/8), multicast or reserved (224/3). */
export function isLinkAddress(a: string): boolean {
    // No leading zeros: some tools read 010 as octal.
    if (!isIPv4(a) || a.split(".").some((p) => p.length > 1 && p.startsWith("0"))) return false;
    const first = Number(a.split(".")[0]);
    return first !== 0 && first !== 127 && first < 224;
}
/** The address as an unsigned 32-bit number (an IPv4 address already checked). */
export function ipv4Number(a: string): number {
    return a.split(".").reduce((acc, x) => acc * 256 + Number(x), 0);
}
export function isTimezone(tz: string): boolean {
    if (!/^[A-Za-z_+\-/0-9]{1,64}$/.test(tz)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}
export function isHostKey(key: string): boolean {
    const [type, blob] = key.trim().split(/\s+/);
    if (!HOST_KEY_TYPES.includes(type) || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return false;
    const bytes = Buffer.from(blob, "base64");
    if (bytes.length < 4) return false;
    const len = bytes.readUInt32BE(0);
    return bytes.subarray(4, 4 + len).toString("latin1") === type;
}
/** A plain absolute path: no `.`/`..` parts, no trailing slash. */
export function isSafePath(p: string): boolean {
    return SAFE_PATH.test(p) && !p.split("/").some((part) => part === "." || part === "..");
}
export function within(parent: string, child: string): boolean {
    return child === parent || child.startsWith(parent + "/");
}

/** `a.b.c.d/n` with the host bits zero; `base` as an unsigned 32-bit number. */
export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((x) => x > 255) || prefix > 32) return undefined;
    const base = octets.reduce((acc, x) => acc * 256 + x, 0);
    return (base & mask(prefix)) >>> 0 === base ? { base, prefix } : undefined;
}

export function mask(bits: number): number {
    return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

const PRIVATE_RANGES: [number, number][] = [
    [0x0a000000, 8], // 10.0.0.0/8
    [0xac100000, 12], // 172.16.0.0/12
    [0xc0a80000, 16], // 192.168.0.0/16
];

/** A private IPv4 network from /16 to /24: proxySubnet holds a /29 per edge network, backendSubnet a quarter per internal one. */
export function isPrivateSubnet(cidr: string): boolean {
    const c = parseCidr(cidr);
    return !!c && c.prefix >= 16 && c.prefix <= 24 && PRIVATE_RANGES.some(([base, bits]) => c.prefix >= bits && (c.base & mask(bits)) >>> 0 === base);
}

/** Why a trusted-proxy range is refused, or undefined. */
export function trustedCidrProblem(cidr: string): string | undefined {
    const v4 = parseCidr(cidr);
    if (v4) return v4.prefix < 8 ? "is wider than /8: it would let most of the internet choose its own address" : undefined;
    const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
    if (m && isIPv6(m[1]) && Number(m[2]) <= 128) return Number(m[2]) < 16 ? "is wider than /16: it would let most of the internet choose its own address" : undefined;
    return "is not an IPv4 or IPv6 CIDR range with its host bits zero";
}
