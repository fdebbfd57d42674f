import * as dgram from "dgram";

/**
 * A DNS server on 127.0.0.1 that answers A questions from a table (`*.zone` covers any name under it) and NXDOMAIN
 * otherwise: what the doctor's DNS checks ask, without the internet.
 */
export interface StubDns {
    server: string;
    records: Map<string, string[]>;
    close(): Promise<void>;
}

function readName(msg: Buffer, at: number): { name: string; end: number } {
    const labels: string[] = [];
    while (msg[at] !== 0) {
        labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString("ascii"));
        at += msg[at] + 1;
    }
    return { name: labels.join(".").toLowerCase(), end: at + 1 };
}

/** `2001:db8::1` as its eight 16-bit groups. */
function expandV6(ip: string): number[] {
    const [head, tail = ""] = ip.split("::");
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    return [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((g) => parseInt(g, 16));
}

function lookup(records: Map<string, string[]>, name: string): string[] | undefined {
    if (records.has(name)) return records.get(name);
    const parent = name.split(".").slice(1).join(".");
    return records.get(`*.${parent}`);
}

export async function startStubDns(records: Record<string, string[]>): Promise<StubDns> {
    const table = new Map(Object.entries(records));
    const sock = dgram.createSocket("udp4");
    sock.on("message", (msg, rinfo) => {
        const { name, end } = readName(msg, 12);
        const qtype = msg.readUInt16BE(end);
        const question = msg.subarray(12, end + 4);
        // A questions read `name`, AAAA questions `aaaa:name` (and their wildcards).
        const parent = name.split(".").slice(1).join(".");
        const found = qtype === 1 ? lookup(table, name) : qtype === 28 ? table.get(`aaaa:${name}`) ?? table.get(`aaaa:*.${parent}`) : undefined;
        const header = Buffer.alloc(12);
        msg.copy(header, 0, 0, 2);
        header.writeUInt16BE(0x8180 | (found || (qtype !== 1 && qtype !== 28) ? 0 : 3), 2);
        header.writeUInt16BE(1, 4);
        header.writeUInt16BE(found?.length ?? 0, 6);
        const answers = (found ?? []).map((ip) => {
            const v6 = qtype === 28;
            const a = Buffer.alloc(v6 ? 28 : 16);
            a.writeUInt16BE(0xc00c, 0);
            a.writeUInt16BE(qtype, 2);
            a.writeUInt16BE(1, 4);
            a.writeUInt32BE(60, 6);
            a.writeUInt16BE(v6 ? 16 : 4, 10);
            if (v6) expandV6(ip).forEach((g, i) => a.writeUInt16BE(g, 12 + 2 * i));
            else ip.split(".").forEach((o, i) => a.writeUInt8(Number(o), 12 + i));
            return a;
        });
        sock.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
    return { server: `127.0.0.1:${sock.address().port}`, records: table, close: () => new Promise<void>((r) => sock.close(() => r())) };
}
