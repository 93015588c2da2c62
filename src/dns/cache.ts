/**
 * The answer cache of forwarded queries: keyed by name, type and class; an entry lives for
 * the smallest TTL of its answers (a negative one for its SOA's minimum), never longer
 * than MAX_TTL; at most MAX_ENTRIES, the oldest dropped first. Hits come back with their
 * TTLs lowered by the time spent in the cache, as a resolver's would.
 */
import type { Answer, DecodedPacket, Question } from 'dns-packet';

/** Longest an answer is kept, in seconds. */
export const MAX_TTL = 300;
/** Entries kept at most. */
export const MAX_ENTRIES = 4096;
/** How long an answer with no TTL to go by (no records, no SOA) is kept. */
export const BARE_TTL = 5;

interface Entry {
  packet: DecodedPacket;
  stored: number;
  expires: number;
}

/**
 * The cache key of a question; `servers`: the resolvers asked, when not the host's (a
 * container's `--dns` servers may answer the same name differently, so each list has its own).
 */
export function cacheKey(q: Question, servers?: readonly string[]): string {
  const key = `${q.name.toLowerCase().replace(/\.$/, '')}|${q.type}|${q.class ?? 'IN'}`;
  return servers ? `${key}@${servers.join(',')}` : key;
}

function ttlOf(p: DecodedPacket): number | undefined {
  // rcode: the low 4 bits of the flags; NOERROR (0) and NXDOMAIN (3) alone are kept.
  const rcode = (p.flags ?? 0) & 0xf;
  if (rcode !== 0 && rcode !== 3) return undefined;
  const ttls = (p.answers ?? []).map((a) => ('ttl' in a ? (a.ttl ?? 0) : 0));
  if (ttls.length === 0) {
    const soa = (p.authorities ?? []).find((a) => a.type === 'SOA') as
      | { ttl?: number; data: { minimum: number } }
      | undefined;
    ttls.push(soa ? Math.min(soa.ttl ?? 0, soa.data.minimum) : BARE_TTL);
  }
  return Math.min(MAX_TTL, ...ttls);
}

function aged<T extends Answer>(list: T[] | undefined, by: number): T[] {
  return (list ?? []).map((a) =>
    a.type === 'OPT' || !('ttl' in a) ? a : { ...a, ttl: Math.max(0, (a.ttl ?? 0) - by) },
  );
}

/** The cache. `now` is in milliseconds (injected for tests). */
export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps `p` (the answer of `servers`, default the host's, to `q`) when it may be cached. */
  put(q: Question, p: DecodedPacket, servers?: readonly string[]): void {
    const ttl = ttlOf(p);
    if (!ttl || p.flag_tc) return;
    const key = cacheKey(q, servers);
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const stored = this.now();
    this.entries.set(key, { packet: p, stored, expires: stored + ttl * 1000 });
  }

  /** The cached answer to `q` (from `servers`, default the host's) with aged TTLs, or undefined. */
  get(q: Question, servers?: readonly string[]): DecodedPacket | undefined {
    const key = cacheKey(q, servers);
    const e = this.entries.get(key);
    const now = this.now();
    if (!e || e.expires <= now) {
      if (e) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    const by = Math.floor((now - e.stored) / 1000);
    const p = e.packet;
    return { ...p, answers: aged(p.answers, by), authorities: aged(p.authorities, by) };
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }
}
