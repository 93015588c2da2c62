/**
 * Forwarding to the host's resolvers: one UDP socket per family in the server's own (the
 * host's) namespace, a random query id per upstream query, answers accepted only from the
 * server asked and for the question asked; a truncated answer is asked again over TCP.
 * Each upstream gets TRY_MS, the list is tried twice in order, so a query gives up (the
 * client gets SERVFAIL) after at most 2 x upstreams x TRY_MS. Queries for the same
 * question in flight share one upstream query; answers go through the cache.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import net from 'node:net';
import dnsPacket, { type DecodedPacket, type Question } from 'dns-packet';
import { AnswerCache, cacheKey } from './cache.js';

/** How long one upstream has to answer one try, in milliseconds. */
export const TRY_MS = 1000;
/** Rounds over the upstream list. */
export const ROUNDS = 2;
/** EDNS payload size we offer upstream (the DNS flag day's 1232). */
const EDNS_SIZE = 1232;

interface Pending {
  server: string;
  question: Question;
  done(p: DecodedPacket | undefined): void;
}

function sameQuestion(a: Question, b: Question | undefined): boolean {
  return !!b && a.name.toLowerCase() === b.name.toLowerCase() && a.type === b.type;
}

/** Asks over TCP (after a truncated UDP answer); undefined on failure or timeout. */
function askTcp(server: string, query: Buffer, id: number, q: Question): Promise<DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: server, port: 53 });
    let buf = Buffer.alloc(0);
    const finish = (p: DecodedPacket | undefined): void => {
      sock.destroy();
      resolve(p);
    };
    sock.setTimeout(TRY_MS * 2, () => finish(undefined));
    sock.on('error', () => finish(undefined));
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 255]), query])));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      try {
        const p = dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        finish(p.id === id && sameQuestion(q, p.questions?.[0]) ? p : undefined);
      } catch {
        finish(undefined);
      }
    });
  });
}

/**
 * The forwarder. `upstreams` (the host's) is read per query, so a changed resolv.conf counts
 * at once; a container with its own `--dns` servers has them asked instead.
 */
export class Forwarder {
  readonly cache: AnswerCache;
  private readonly pending = new Map<number, Pending>();
  private readonly inflight = new Map<string, Promise<DecodedPacket | undefined>>();
  private readonly socks = new Map<4 | 6, dgram.Socket>();
  failures = 0;

  constructor(
    private readonly upstreams: () => string[],
    cache = new AnswerCache(),
  ) {
    this.cache = cache;
  }

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.socks.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    s.on('error', () => undefined);
    s.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address));
    this.socks.set(family, s);
    return s;
  }

  private onMessage(msg: Buffer, from: string): void {
    let p: DecodedPacket;
    try {
      p = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const wait = this.pending.get(p.id ?? -1);
    // Anything but the answer from the server asked, to the question asked, is dropped.
    if (!wait || wait.server !== from.replace(/^::ffff:/, '') || !sameQuestion(wait.question, p.questions?.[0])) return;
    wait.done(p);
  }

  private askUdp(server: string, q: Question): Promise<{ p?: DecodedPacket; query: Buffer; id: number }> {
    let id = randomInt(65536);
    while (this.pending.has(id)) id = randomInt(65536);
    const query = dnsPacket.encode({
      id,
      type: 'query',
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [q],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_SIZE, flags: 0, options: [] } as never],
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), TRY_MS);
      const done = (p: DecodedPacket | undefined): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(p ? { p, query, id } : { query, id });
      };
      this.pending.set(id, { server, question: q, done });
      this.socket(isIPv6(server) ? 6 : 4).send(query, 53, server, (err) => err && done(undefined));
    });
  }

  private async ask(q: Question, servers: readonly string[]): Promise<DecodedPacket | undefined> {
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        const r = await this.askUdp(server, q);
        if (!r.p) continue;
        if (!r.p.flag_tc) return r.p;
        const full = await askTcp(server, r.query, r.id, q);
        if (full) return full;
      }
    }
    this.failures++;
    return undefined;
  }

  /**
   * The upstream answer to `q` (cached, or asked now), or undefined when none answered.
   * `own`: the asking container's `--dns` servers, asked instead of the host's (as Docker does).
   */
  async resolve(q: Question, own?: readonly string[]): Promise<DecodedPacket | undefined> {
    const hit = this.cache.get(q, own);
    if (hit) return hit;
    const key = cacheKey(q, own);
    let flight = this.inflight.get(key);
    if (!flight) {
      flight = this.ask(q, own ?? this.upstreams()).then((p) => {
        this.inflight.delete(key);
        if (p) this.cache.put(q, p, own);
        return p;
      });
      this.inflight.set(key, flight);
    }
    return flight;
  }

  /** Closes the upstream sockets. */
  close(): void {
    for (const s of this.socks.values()) s.close();
    this.socks.clear();
  }
}
