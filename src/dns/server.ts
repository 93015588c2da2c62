/**
 * The embedded DNS server: one process, and in each served container's network namespace
 * a UDP and a TCP socket on 127.0.0.11:53 (made there by the native addon, adopted here),
 * so the socket itself tells which container asks. Queries are answered from the zone the
 * asking container sees (answer.ts) or forwarded (forward.ts). The zone is replaced whole
 * when the database changes; sockets follow it (reconcile).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { decide, encodeUdp, reply, udpLimit } from './answer.js';
import type { Forwarder } from './forward.js';
import type { PortBook } from './ports.js';
import { AnswerMemo } from './memo.js';
import { bindKept, bindPair, type SocketMaker } from './bind.js';
import { Zone, type ZoneView } from './zone.js';
import type { LogSink } from '../sys/log.js';

/** Where the server listens inside each container, as Docker's does. */
export const DNS_ADDRESS = '127.0.0.11';
/** How long a TCP client may stay idle. */
const TCP_IDLE_MS = 10_000;
/** How long a socket made ahead of a container's launch waits for its record to commit. */
export const PREPARED_MS = 60_000;

export type { SocketMaker } from './bind.js';

interface Attached {
  netns: string;
  udp: dgram.Socket;
  tcp: net.Server;
  conns: Set<net.Socket>;
  /** Settles when the redirect to the sockets is in place. */
  ready: Promise<void>;
  /** Its UDP answers from the zone (memo.ts). */
  memo: AnswerMemo;
  /** A view given with `prepare`, until the zone has the container; and when it lapses. */
  prepared?: { view: ZoneView; until: number };
}

/** Counters for status. */
export interface DnsStats {
  queries: number;
  local: number;
  forwarded: number;
  failed: number;
}

/** What the server needs from outside. */
export interface ServerDeps {
  makeSocket: SocketMaker;
  closeFd(fd: number): void;
  /**
   * Sends the namespace's 127.0.0.11:53 to the sockets' ports (redirect.ts); `replacing`: an
   * older redirect may have flows under way to ports that are no longer ours.
   */
  redirect(netns: string, udp: number, tcp: number, replacing: boolean): Promise<void>;
  /** The ports of the sockets, kept across restarts (ports.ts). */
  ports?: PortBook;
  /** A port to try (random in PORT_RANGE; injected for tests). */
  port?: () => number;
  forwarder: Forwarder;
  log: LogSink;
  now?: () => number;
}

/** The server. */
export class DnsServer {
  zone = new Zone({ containers: [], networks: [], endpoints: [], links: [] });
  readonly stats: DnsStats = { queries: 0, local: 0, forwarded: 0, failed: 0 };
  private readonly attached = new Map<string, Attached>();

  constructor(private readonly deps: ServerDeps) {}

  /** The forwarder's answer cache (for status). */
  forwarderCache(): { size: number; hits: number } {
    return this.deps.forwarder.cache;
  }

  /** Containers with sockets now. */
  get served(): string[] {
    return [...this.attached.keys()];
  }

  /** The namespace a container is served in. */
  netnsOf(id: string): string | undefined {
    return this.attached.get(id)?.netns;
  }

  /**
   * Serves container `id` in `netns`. With `view`, before its record commits (a container
   * about to launch): that view holds until the zone knows the container, PREPARED_MS at most.
   */
  attach(id: string, netns: string, view?: ZoneView): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    const old = this.attached.get(id);
    if (old && old.netns === netns) {
      if (view) old.prepared = { view, until: now + PREPARED_MS };
      old.memo.clear();
      return old.ready;
    }
    if (old) this.detach(id);
    const kept = this.deps.ports?.get(id, netns);
    const [udpFd, tcpFd, ports] = (kept && bindKept(this.deps, netns, kept)) ?? bindPair(this.deps, netns);
    const udp = dgram.createSocket('udp4');
    udp.on('error', (err) => this.deps.log(`udp socket: ${err.message}`, { container: id.slice(0, 12) }, 'warn'));
    udp.on('message', (msg, rinfo) => this.onUdp(id, msg, rinfo.port, rinfo.address));
    udp.bind({ fd: udpFd });
    const conns = new Set<net.Socket>();
    const server = net.createServer((c) => this.onTcp(id, c, conns));
    server.on('error', (err) => this.deps.log(`tcp socket: ${err.message}`, { container: id.slice(0, 12) }, 'warn'));
    server.listen({ fd: tcpFd });
    // The same ports as before a restart: the redirect in the namespace already points at them.
    const ready =
      kept === ports
        ? Promise.resolve()
        : this.deps
            // Attached by a reconcile (not a launch): flows of a predecessor may be under way.
            .redirect(netns, ports.udp, ports.tcp, kept !== undefined || view === undefined)
            .then(() => this.deps.ports?.set(id, netns, ports));
    const a: Attached = { netns, udp, tcp: server, conns, ready, memo: new AnswerMemo() };
    if (view) a.prepared = { view, until: now + PREPARED_MS };
    this.attached.set(id, a);
    return ready;
  }

  /** Stops serving container `id`; `forget`: its ports too (kept when the server only stops). */
  detach(id: string, forget = true): void {
    const a = this.attached.get(id);
    if (!a) return;
    this.attached.delete(id);
    if (forget) this.deps.ports?.drop(id);
    a.udp.close();
    a.tcp.close();
    for (const c of a.conns) c.destroy();
  }

  /**
   * Takes a new zone and makes the sockets follow it: each served container (whose
   * namespace `netnsOf` names) gets one, a container no longer served loses its own, unless
   * it was prepared and has not lapsed yet. Returns the failures, one line each.
   */
  reconcile(zone: Zone, netnsOf: (id: string) => string | undefined): string[] {
    this.zone = zone;
    for (const a of this.attached.values()) a.memo.clear();
    const now = (this.deps.now ?? Date.now)();
    const errors: string[] = [];
    const want = new Set<string>();
    for (const c of zone.served) {
      const ns = netnsOf(c.id);
      if (!ns) continue;
      want.add(c.id);
      const fail = (err: unknown): void => {
        const line = `serve "${c.name}" in "${ns}": ${(err as Error).message}`;
        errors.push(line);
        this.deps.log(line, { container: c.name, netns: ns }, 'error');
      };
      try {
        this.attach(c.id, ns).catch(fail);
        const a = this.attached.get(c.id)!;
        delete a.prepared;
      } catch (err) {
        fail(err);
      }
    }
    for (const [id, a] of this.attached) if (!want.has(id) && !(a.prepared && a.prepared.until > now)) this.detach(id);
    return errors;
  }

  /** The view of container `id`: the zone's, or the one it was prepared with. */
  viewOf(id: string): (ZoneView & { id: string }) | undefined {
    const v = this.zone.view(id) ?? this.attached.get(id)?.prepared?.view;
    return v ? { ...v, id } : undefined;
  }

  /** The answer to one query from container `id` (undefined: drop it); `limit`: UDP's size. */
  async answer(id: string, msg: Buffer | DecodedPacket, limit?: number): Promise<Buffer | undefined> {
    return (await this.respond(id, msg, limit))?.out;
  }

  /** The answer, and whether it came from the zone (`local`: the memo may keep it). */
  private async respond(
    id: string,
    msg: Buffer | DecodedPacket,
    limit?: number,
  ): Promise<{ out: Buffer; local: boolean } | undefined> {
    let q: DecodedPacket;
    try {
      q = Buffer.isBuffer(msg) ? dnsPacket.decode(msg) : msg;
    } catch {
      return undefined;
    }
    if (q.type !== 'query') return undefined;
    this.stats.queries++;
    const view = this.viewOf(id);
    // A container the zone no longer knows (stopping): refuse, never guess an address.
    if (!view) return { out: encodeUdp(reply(q, 'REFUSED'), limit ?? 65535), local: false };
    const d = decide(q, this.zone, view);
    const max = limit ?? udpLimit(q);
    if (d.kind === 'answer') {
      this.stats.local++;
      return { out: encodeUdp(d.packet, limit ? max : 65535), local: true };
    }
    this.stats.forwarded++;
    const up = await this.deps.forwarder.resolve(d.question, view.upstreams);
    if (!up) {
      this.stats.failed++;
      return { out: encodeUdp(reply(q, 'SERVFAIL'), max), local: false };
    }
    const flags = ((up.flags ?? 0) & ~dnsPacket.RECURSION_DESIRED) | (q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0);
    const out = { ...up, id: q.id, flags, questions: q.questions ?? [] };
    // Our EDNS record goes, the client's limit decides truncation.
    out.additionals = (up.additionals ?? []).filter((a) => a.type !== 'OPT');
    return { out: encodeUdp(out, limit ? max : 65535), local: false };
  }

  private onUdp(id: string, msg: Buffer, port: number, address: string): void {
    const a = this.attached.get(id);
    if (!a) return;
    const kept = a.memo.get(msg);
    if (kept) {
      this.stats.queries++;
      this.stats.local++;
      a.udp.send(kept, port, address);
      return;
    }
    void this.onUdpSlow(id, a, msg, port, address);
  }

  private async onUdpSlow(id: string, a: Attached, msg: Buffer, port: number, address: string): Promise<void> {
    let q: DecodedPacket | undefined;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const zone = this.zone;
    const r = await this.respond(id, q, udpLimit(q));
    if (!r || this.attached.get(id) !== a) return;
    // Kept only if the zone it came from is still the one served.
    if (r.local && zone === this.zone) a.memo.put(msg, r.out);
    a.udp.send(r.out, port, address);
  }

  private onTcp(id: string, c: net.Socket, conns: Set<net.Socket>): void {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => undefined);
    c.setTimeout(TCP_IDLE_MS, () => c.destroy());
    let buf = Buffer.alloc(0);
    c.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.answer(id, msg).then((out) => {
          if (out && !c.destroyed) c.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 255]), out]));
        });
      }
    });
  }

  /** Closes every socket. */
  close(): void {
    for (const id of [...this.attached.keys()]) this.detach(id, false);
    this.deps.forwarder.close();
  }
}
