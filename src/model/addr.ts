/**
 * netctl's one address module. IPv4 and IPv6 address math on bigints: parsing and formatting
 * addresses and CIDRs, containment, overlap, block bounds and the lowest free address of a
 * block; and the text forms rules are written in, exactly as `iptables-save` prints them (host
 * bits masked off, `/32` or `/128` on single hosts, IPv6 compressed the way glibc's inet_ntop
 * does it), so that planned rules compare equal to the live ones. Pure: every parse error is a
 * UsageError that quotes the bad value.
 *
 * Why not ip-cidr (on which the design first meant to build): its canonical IPv6 text is not
 * inet_ntop's (IPv4-mapped and -compatible addresses print in hex), it accepts forms
 * inet_aton reads differently (leading zeros), and the planner canonicalizes every address of
 * every rule set; `npm run bench` ("addr:" cases) measures it against this module, and
 * test/unit/addr-ip-cidr.test.ts cross-checks the two on a corpus of v4/v6 inputs.
 */
import { UsageError } from '../errors.js';

/** An address family. */
export type Family = 4 | 6;

/** One address. */
export interface Ip {
  readonly family: Family;
  readonly value: bigint;
}

/** An address block; `base` has its host bits cleared. */
export interface Cidr {
  readonly family: Family;
  readonly base: bigint;
  readonly prefix: number;
}

/** Address width in bits: 32 or 128. */
export function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

function parse4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  // In a number (exact below 2^53), one bigint at the end: IPAM parses every address of a network.
  let v = 0;
  for (const p of parts) {
    // Leading zeros would be octal to inet_aton; refuse them rather than guess.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return BigInt(v);
}

function groups6(text: string): bigint[] | null {
  if (text === '') return [];
  const out: bigint[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = parse4(p);
      if (v4 === null) return null;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      out.push(BigInt(`0x${p}`));
    }
  }
  return out;
}

function parse6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groups6(halves[0]!);
  const tail = halves.length === 2 ? groups6(halves[1]!) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const all = [...head, ...new Array<bigint>(halves.length === 2 ? fill : 0).fill(0n), ...tail];
  return all.reduce((v, g) => (v << 16n) | g, 0n);
}

function tryParse(text: string): Ip | null {
  const family: Family = text.includes(':') ? 6 : 4;
  const value = family === 4 ? parse4(text) : parse6(text);
  return value === null ? null : { family, value };
}

/** Parses an address; `what` names it in the error (`invalid gateway "1.2.3"`). */
export function parseIp(text: string, what = 'IP address'): Ip {
  const ip = tryParse(text);
  if (!ip) throw new UsageError(`invalid ${what} "${text}": not an IPv${text.includes(':') ? 6 : 4} address`);
  return ip;
}

// As glibc's inet_ntop (and so iptables-save and iproute2) prints it: the longest run of two
// or more zero groups becomes "::", the first on a tie (RFC 5952); IPv4-mapped (::ffff:a.b.c.d)
// and IPv4-compatible (::a.b.c.d, six zero groups exactly) addresses print dotted.
function format6(value: bigint): string {
  const g: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) g.push(Number((value >> shift) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    if (g[i] !== 0) continue;
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
    const v4 = formatIp({ family: 4, value: value & 0xffffffffn });
    return bestLen === 5 ? `::ffff:${v4}` : `::${v4}`;
  }
  const hex = g.map((n) => n.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Canonical text of an address (`10.0.0.1`, `fd00::1`). */
export function formatIp(ip: Ip): string {
  if (ip.family === 6) return format6(ip.value);
  const v = Number(ip.value);
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** An address in canonical text; throws a UsageError naming `what` if it is not one. */
export function canonicalIp(text: string, what = 'IP address'): string {
  return formatIp(parseIp(text, what));
}

function mask(family: Family, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/**
 * Parses `ADDR/LEN`. With `strict`, an address with host bits set is refused
 * (`10.1.2.3/24` should be `10.1.2.0/24`); otherwise they are cleared.
 */
export function parseCidr(text: string, what = 'subnet', strict = false): Cidr {
  const slash = text.indexOf('/');
  const len = slash < 0 ? '' : text.slice(slash + 1);
  if (slash < 0 || !/^(0|[1-9][0-9]{0,2})$/.test(len)) {
    throw new UsageError(`invalid ${what} "${text}": expected ADDRESS/PREFIX-LENGTH`);
  }
  const ip = tryParse(text.slice(0, slash));
  if (!ip) throw new UsageError(`invalid ${what} "${text}": "${text.slice(0, slash)}" is not an IP address`);
  const prefix = Number(len);
  const bits = bitsOf(ip.family);
  if (prefix > bits) throw new UsageError(`invalid ${what} "${text}": prefix length must be 0 to ${bits}`);
  const base = ip.value & mask(ip.family, prefix);
  const cidr = { family: ip.family, base, prefix };
  if (strict && base !== ip.value) {
    throw new UsageError(`invalid ${what} "${text}": host bits are set`, `use ${formatCidr(cidr)}`);
  }
  return cidr;
}

/** Canonical text of a block (`10.0.0.0/24`). */
export function formatCidr(c: Cidr): string {
  return `${formatIp({ family: c.family, value: c.base })}/${c.prefix}`;
}

/** Number of addresses in the block. */
export function sizeOf(c: Cidr): bigint {
  return 1n << BigInt(bitsOf(c.family) - c.prefix);
}

/** The block's first address (its network address). */
export function networkAddress(c: Cidr): Ip {
  return { family: c.family, value: c.base };
}

/** The block's last address: the broadcast address of an IPv4 block. */
export function broadcastAddress(c: Cidr): Ip {
  return { family: c.family, value: c.base + sizeOf(c) - 1n };
}

/** True if `x` (an address or a block) lies wholly inside `c`. */
export function contains(c: Cidr, x: Ip | Cidr): boolean {
  if (x.family !== c.family) return false;
  if ('prefix' in x) return x.prefix >= c.prefix && (x.base & mask(c.family, c.prefix)) === c.base;
  return (x.value & mask(c.family, c.prefix)) === c.base;
}

/** True if the two blocks share any address (blocks of different families never do). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (contains(a, b) || contains(b, a));
}

/** The address `n` places after the block's network address; throws if outside the block. */
export function nthAddress(c: Cidr, n: bigint | number): Ip {
  const off = BigInt(n);
  if (off < 0n || off >= sizeOf(c)) {
    throw new UsageError(`address number ${off} is outside ${formatCidr(c)}`);
  }
  return { family: c.family, value: c.base + off };
}

/**
 * The addresses of `c` a host may use: IPv4 leaves out the network and broadcast
 * addresses (except in /31 and /32, RFC 3021); IPv6 leaves out the subnet-router anycast
 * address (the first), and has no broadcast.
 */
export function hostBounds(c: Cidr): { first: bigint; last: bigint } {
  const last = c.base + sizeOf(c) - 1n;
  if (c.family === 4) return c.prefix >= 31 ? { first: c.base, last } : { first: c.base + 1n, last: last - 1n };
  return c.prefix === 128 ? { first: c.base, last } : { first: c.base + 1n, last };
}

/** True if `ip` is an address of `c` that a host may use (see hostBounds). */
export function isHostAddress(c: Cidr, ip: Ip): boolean {
  if (!contains(c, ip)) return false;
  const { first, last } = hostBounds(c);
  return ip.value >= first && ip.value <= last;
}

/**
 * The lowest address of `range` that is a host address of `subnet` and not in `taken`,
 * or undefined when there is none. Costs O(|taken|), whatever the block's size.
 */
export function firstFree(subnet: Cidr, range: Cidr, taken: ReadonlySet<bigint>): Ip | undefined {
  const hosts = hostBounds(subnet);
  const end = broadcastAddress(range).value;
  const last = end < hosts.last ? end : hosts.last;
  let v = range.base > hosts.first ? range.base : hosts.first;
  while (v <= last && taken.has(v)) v++;
  return v <= last ? { family: subnet.family, value: v } : undefined;
}

/** The family of an address or CIDR, judged by its form (`:` means IPv6). */
export function familyOf(text: string): Family {
  return text.includes(':') ? 6 : 4;
}

// Planning canonicalizes the same few hundred addresses several times per rule set: each
// text is parsed once per process (bounded, so a long-lived process does not grow with it).
const canonical = new Map<string, string>();
const CANONICAL_MAX = 4096;

/** An address of `family` in canonical text; throws a UsageError if it is not one. */
export function canonicalIpOf(text: string, family: Family): string {
  const key = family === 4 ? text : `6 ${text}`;
  const known = canonical.get(key);
  if (known !== undefined) return known;
  const ip = tryParse(text);
  if (!ip || ip.family !== family) throw new UsageError(`invalid IPv${family} address "${text}"`);
  const out = formatIp(ip);
  if (canonical.size >= CANONICAL_MAX) canonical.clear();
  canonical.set(key, out);
  return out;
}

/** A CIDR of `family` with its host bits cleared, as iptables-save prints it (`10.0.0.0/24`). */
export function canonicalCidrOf(text: string, family: Family): string {
  const what = `IPv${family} subnet`;
  const c = parseCidr(text, what);
  if (c.family !== family) throw new UsageError(`invalid ${what} "${text}"`);
  return formatCidr(c);
}

/** A single host as a rule's match argument: `1.2.3.4/32`, `fd00::2/128`. */
export function hostMatch(ip: string, family: Family): string {
  return `${canonicalIpOf(ip, family)}/${bitsOf(family)}`;
}

/** `addr:port` as DNAT's `--to-destination` takes it, with IPv6 in brackets. */
export function socketAddress(ip: string, port: number, family: Family): string {
  const a = canonicalIpOf(ip, family);
  return family === 4 ? `${a}:${port}` : `[${a}]:${port}`;
}
