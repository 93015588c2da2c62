/**
 * One query to the embedded server, answered from the zone or handed on (pure): A/AAAA
 * for the names the asking container sees, PTR for their addresses, everything else
 * `forward` (or SERVFAIL for a container whose networks are all internal: no way out).
 * Wire format by dns-packet.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type Question } from 'dns-packet';
import type { Zone, ZoneView } from './zone.js';

/** TTL of local answers: short, so a name that moves is not held stale by a client cache. */
export const LOCAL_TTL = 10;

/** The largest UDP answer without EDNS (RFC 1035). */
export const UDP_PLAIN = 512;

/** What to do with a query. */
export type Decision = { kind: 'answer'; packet: Packet } | { kind: 'forward'; question: Question };

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** A response header answering `q` with `rcode`. */
export function reply(q: DecodedPacket, rcode: keyof typeof RCODE, answers: Answer[] = [], aa = false): Packet {
  const rd = q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  return {
    id: q.id,
    type: 'response',
    flags: rd | dnsPacket.RECURSION_AVAILABLE | (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODE[rcode],
    questions: q.questions ?? [],
    answers,
  };
}

/** The address a reverse name stands for (`4.3.2.1.in-addr.arpa` or an ip6.arpa nibble name). */
export function reverseAddress(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(n);
  if (v4) return [v4[4], v4[3], v4[2], v4[1]].map(Number).join('.');
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (!v6) return undefined;
  const hex = v6[1]!.split('.').filter(Boolean).reverse().join('');
  const groups = hex.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  // Canonical (RFC 5952) form, as the store keeps addresses: the longest zero run as ::.
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > len && j - i > 1) [best, len] = [i, j - i];
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + len).join(':')}`;
}

function records(q: Question, list: readonly string[], type: 'A' | 'AAAA'): Answer[] {
  return list.map((data) => ({ name: q.name, type, class: 'IN', ttl: LOCAL_TTL, data }));
}

/** Decides what query `q` from the container `asker` gets. */
export function decide(q: DecodedPacket, zone: Zone, asker: ZoneView & { id: string }): Decision {
  // Opcode 0 (QUERY) alone: bits 11-14 of the flags.
  if (q.type !== 'query' || ((q.flags ?? 0) >> 11) & 0xf) return { kind: 'answer', packet: reply(q, 'NOTIMP') };
  const question = q.questions?.[0];
  if (!question || q.questions!.length !== 1) return { kind: 'answer', packet: reply(q, 'FORMERR') };
  if (question.type === 'PTR') {
    const ip = reverseAddress(question.name);
    const target = ip ? zone.reverse(asker, ip) : undefined;
    if (target) {
      const ptr: Answer = { name: question.name, type: 'PTR', class: 'IN', ttl: LOCAL_TTL, data: target };
      return { kind: 'answer', packet: reply(q, 'NOERROR', [ptr], true) };
    }
  } else if (question.class === 'IN' || question.class === undefined) {
    const found = zone.lookup(asker, question.name);
    if (found) {
      // A name we hold answers for itself: no AAAA is "no data", never a forward upstream.
      const answers =
        question.type === 'A'
          ? records(question, found.v4, 'A')
          : question.type === 'AAAA'
            ? records(question, found.v6, 'AAAA')
            : (question.type as string) === 'ANY'
              ? [...records(question, found.v4, 'A'), ...records(question, found.v6, 'AAAA')]
              : [];
      return { kind: 'answer', packet: reply(q, 'NOERROR', answers, true) };
    }
  }
  if (!asker.forward) return { kind: 'answer', packet: reply(q, 'SERVFAIL') };
  return { kind: 'forward', question };
}

/** The largest UDP answer the client takes: its EDNS size, or 512. */
export function udpLimit(q: DecodedPacket): number {
  const opt = q.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(UDP_PLAIN, Math.min(opt?.udpPayloadSize ?? UDP_PLAIN, 4096));
}

/** Encodes `p` for UDP: when it is larger than `limit`, the answers are dropped and TC set. */
export function encodeUdp(p: Packet, limit: number): Buffer {
  const full = dnsPacket.encode(p);
  if (full.length <= limit) return full;
  return dnsPacket.encode({ ...p, flags: (p.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], additionals: [] });
}
