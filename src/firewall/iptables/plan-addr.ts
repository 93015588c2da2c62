/**
 * Addresses in the exact form `iptables-save` prints them, so that planned rules compare
 * equal to the live ones: host bits masked off, `/32` or `/128` on single hosts, IPv6
 * compressed the way glibc's inet_ntop does it.
 */
import { UsageError } from '../../errors.js';

/** An address family. */
export type Family = 4 | 6;

function bad(kind: string, text: string): UsageError {
  return new UsageError(`invalid ${kind} "${text}"`);
}

function parse4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // Leading zeros would be read as octal by inet_aton; refuse them rather than guess.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function groups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = parse4(p);
      if (!v4) return null;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

function parse6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

// inet_ntop: the longest run of two or more zero groups becomes "::", the first on a tie.
function format6(g: number[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((n) => n.toString(16));
  if (bestLen < 2) return hex.join(':');
  // glibc prints IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) in dotted form.
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
    return bestLen === 5 ? `::ffff:${v4}` : `::${v4}`;
  }
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function toBytes(ip: string, family: Family): number[] | null {
  if (family === 4) return parse4(ip);
  const g = parse6(ip);
  return g ? g.flatMap((n) => [n >> 8, n & 0xff]) : null;
}

function fromBytes(b: number[], family: Family): string {
  if (family === 4) return b.join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  return format6(g);
}

/** The family of an address or CIDR, judged by its form (`:` means IPv6). */
export function familyOf(text: string): Family {
  return text.includes(':') ? 6 : 4;
}

// Planning canonicalizes the same few hundred addresses several times per rule set: each
// text is parsed once per process (bounded, so a long-lived process does not grow with it).
const canonical = new Map<string, string>();
const CANONICAL_MAX = 4096;

/** An address in canonical text; throws a UsageError if it is not one of `family`. */
export function canonicalIp(ip: string, family: Family): string {
  const key = family === 4 ? ip : `6 ${ip}`;
  const known = canonical.get(key);
  if (known !== undefined) return known;
  const b = toBytes(ip, family);
  if (!b) throw bad(`IPv${family} address`, ip);
  const text = fromBytes(b, family);
  if (canonical.size >= CANONICAL_MAX) canonical.clear();
  canonical.set(key, text);
  return text;
}

/** A CIDR with its host bits cleared, as iptables-save prints it (`10.0.0.0/24`). */
export function canonicalCidr(cidr: string, family: Family): string {
  const [ip = '', len = '', extra] = cidr.split('/');
  const bits = family === 4 ? 32 : 128;
  const b = toBytes(ip, family);
  if (!b || extra !== undefined || !/^[0-9]{1,3}$/.test(len) || Number(len) > bits) {
    throw bad(`IPv${family} subnet`, cidr);
  }
  const prefix = Number(len);
  const masked = b.map((byte, i) => {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return `${fromBytes(masked, family)}/${prefix}`;
}

/** A single host as a match argument: `1.2.3.4/32`, `fd00::2/128`. */
export function hostMatch(ip: string, family: Family): string {
  return `${canonicalIp(ip, family)}/${family === 4 ? 32 : 128}`;
}

/** `addr:port` for DNAT's `--to-destination`, with IPv6 in brackets. */
export function socketAddress(ip: string, port: number, family: Family): string {
  const a = canonicalIp(ip, family);
  return family === 4 ? `${a}:${port}` : `[${a}]:${port}`;
}
