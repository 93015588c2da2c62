/**
 * Following one packet through a parsed ruleset, as the kernel would: rule by rule through
 * a chain, into jumps and back on RETURN, until a verdict or the chain's policy. Only the
 * matches netctl and ufw use are understood; a rule with any other match is assumed not to
 * match (ufw's IPv6 routing-header drop, say), and the walk lists it as skipped. Pure.
 */
import type { Match, Option, Rule, Ruleset } from '../iptables/ast.js';
import { type Cidr, contains, type Ip, parseCidr, parseIp } from '../../model/addr.js';
import { groupBy } from '../../model/group.js';

/** The packet as the rules see it. */
export interface Packet {
  src: string;
  dst: string;
  proto: string;
  dport: number;
  /** Input interface; undefined: one that is neither loopback nor a netctl bridge. */
  in?: string;
  out?: string;
  /** Conntrack states it has (a new connection after DNAT: NEW and DNAT). */
  ctstate: string[];
  /** The destination is a local address (addrtype LOCAL). */
  dstLocal: boolean;
}

/** One rule that matched on the way. */
export interface TraceHit {
  table: string;
  chain: string;
  rule: Rule;
  /** Set when the rule was skipped: the matches that could not be evaluated. */
  skipped?: string[];
}

/** Where the packet ends in this table. */
export interface ChainResult {
  verdict: string;
  /** The target options of the deciding rule (DNAT's --to-destination...). */
  rule?: Rule;
  hits: TraceHit[];
  /** Set when the verdict is a chain's policy. */
  policyOf?: string;
}

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT']);
const MAX_DEPTH = 32;

// The same few addresses come back in every rule (a container's, its network's): judging 50
// ports against thousands of rules parsed each one again per rule. Parsed once per text.
const parsed = new Map<string, Ip | Cidr | null>();

function memo(text: string, cidr: boolean): Ip | Cidr | null {
  let v = parsed.get(text);
  if (v === undefined) {
    try {
      v = cidr ? parseCidr(text) : parseIp(text);
    } catch {
      v = null;
    }
    if (parsed.size >= 10_000) parsed.clear();
    parsed.set(text, v);
  }
  return v;
}

function ipIn(spec: string, ip: string): boolean {
  if (ip.includes('/')) return false;
  const cidr = spec.includes('/');
  const s = memo(spec, cidr);
  const x = memo(ip, false) as Ip | null;
  if (s === null || x === null) return false;
  return cidr ? contains(s as Cidr, x) : (s as Ip).value === x.value;
}

function ifaceIs(spec: string, iface: string | undefined): boolean {
  if (iface === undefined) return false;
  return spec.endsWith('+') ? iface.startsWith(spec.slice(0, -1)) : spec === iface;
}

function portIn(spec: string, port: number): boolean {
  return spec.split(',').some((part) => {
    const [a, b] = part.split(':');
    return b === undefined ? Number(a) === port : port >= Number(a || 0) && port <= Number(b || 65535);
  });
}

/** true/false, or undefined when the option is not understood. */
function optionMatches(m: Match, o: Option, p: Packet): boolean | undefined {
  const v = o.values[0] ?? '';
  switch (o.name) {
    case 's':
      return ipIn(v, p.src);
    case 'd':
      return ipIn(v, p.dst);
    case 'i':
      return ifaceIs(v, p.in);
    case 'o':
      return ifaceIs(v, p.out);
    case 'p':
      return v === p.proto;
    case 'dport':
    case 'dports':
      return portIn(v, p.dport);
    case 'ctstate':
    case 'state':
      return v.split(',').some((s) => p.ctstate.includes(s));
    case 'dst-type':
      return (v === 'LOCAL') === p.dstLocal;
    case 'comment':
    case 'limit':
    case 'limit-burst':
      return true;
    default:
      return m.module === 'comment' || m.module === 'limit' ? true : undefined;
  }
}

/** Whether a rule matches; `assumed` lists the matches it could not evaluate (then it does not match). */
export function ruleMatches(r: Rule, p: Packet): { match: boolean; assumed: string[] } {
  const assumed: string[] = [];
  for (const m of r.matches) {
    for (const o of m.options) {
      const ok = optionMatches(m, o, p);
      if (ok === undefined) {
        assumed.push(
          `${m.module ? `-m ${m.module} ` : ''}${o.negated ? '! ' : ''}${o.short ? '-' : '--'}${o.name} ${o.values.join(' ')}`.trim(),
        );
        continue;
      }
      if (ok === Boolean(o.negated)) return { match: false, assumed: [] };
    }
  }
  return { match: assumed.length === 0, assumed };
}

/** Follows the packet from a built-in chain of one table. */
export function walk(rs: Ruleset, table: string, chain: string, p: Packet): ChainResult {
  const t = rs.tables.find((x) => x.name === table);
  const hits: TraceHit[] = [];
  if (!t) return { verdict: 'ACCEPT', hits, policyOf: chain };
  const byChain = groupBy(t.rules, (r) => r.chain);
  const visit = (name: string, depth: number): ChainResult | 'return' => {
    if (depth > MAX_DEPTH) return { verdict: 'DROP', hits, policyOf: `${name} (jumps nested too deep)` };
    for (const r of byChain.get(name) ?? []) {
      const { match, assumed } = ruleMatches(r, p);
      if (assumed.length > 0) hits.push({ table, chain: name, rule: r, skipped: assumed });
      if (!match) continue;
      hits.push({ table, chain: name, rule: r });
      const target = r.target?.name;
      if (!target || target === 'LOG') continue;
      if (target === 'RETURN') return 'return';
      if (TERMINAL.has(target)) return { verdict: target, rule: r, hits };
      const sub = visit(target, depth + 1);
      if (sub !== 'return') return sub;
      if (r.target?.kind === 'goto') return 'return';
    }
    return 'return';
  };
  const res = visit(chain, 0);
  if (res !== 'return') return res;
  const policy = t.chains.find((c) => c.name === chain)?.policy ?? 'ACCEPT';
  return { verdict: policy, hits, policyOf: chain };
}

/** The DNAT destination of a DNAT rule (`10.1.0.2:80`, `[fd00::2]:80`). */
export function dnatTarget(r: Rule): { ip: string; port: number | undefined } | undefined {
  const to = r.target?.options.find((o) => o.name === 'to-destination')?.values[0];
  if (!to) return undefined;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(to) ?? /^([^:]+)(?::(\d+))?$/.exec(to);
  return m ? { ip: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]) } : undefined;
}
