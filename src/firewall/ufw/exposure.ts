/**
 * Whether ufw lets a new connection from outside through to a published port: the first
 * rule that matches the DNATed packet, of before.rules' forward chain, ufw's route rules
 * (`ufw-user-forward`) and after.rules', decides, else the routed policy does. Read from the live ruleset, so it tells what the kernel
 * will do, not what the files say. Pure. Rules are matched by the one packet evaluator,
 * the one `netctl trace` follows packets with (firewall/trace/packet-eval.ts).
 */
import type { Option, Rule, Ruleset } from '../iptables/ast.js';
import { ruleMatches, type Packet } from '../trace/packet-eval.js';
import { ufwFamily } from './names.js';
import type { Family } from '../../model/addr.js';
import { candidates, indexRules, packetKey, type RuleIndex } from './rule-index.js';

/** What ufw does to new connections to one published port. */
export interface Exposure {
  /**
   * Open to everyone (`open`), to some sources only (`restricted`), to nobody (`closed`), or
   * bound to a loopback address, so no new connection from outside ever reaches it (`local`).
   */
  state: 'open' | 'closed' | 'restricted' | 'local';
  /** Sources a route rule opens it for (restricted). */
  sources: string[];
  /** The rule or policy that decided, in words. */
  reason: string;
}

/** What the evaluation needs to know about ufw in one family. */
export interface UfwFacts {
  family: Family;
  /** ufw's chains are loaded. */
  running: boolean;
  /** netctl's block chain is loaded, so published ports go through ufw at all. */
  blockLoaded: boolean;
  /** allow, deny or reject. */
  routedPolicy: string | null;
  live: Ruleset | undefined;
}

/** The packet: a new connection to the container address and port after DNAT. */
export interface PortPacket {
  proto: string;
  containerIp: string;
  containerPort: number;
}

function opt(r: Rule, name: string): Option | undefined {
  for (const m of r.matches) for (const o of m.options) if (o.name === name) return o;
  return undefined;
}

/** The DNATed packet of a new connection to the published port, from a source left open. */
export function packetOf(p: PortPacket): Packet {
  return {
    src: '',
    dst: p.containerIp,
    proto: p.proto,
    dport: p.containerPort,
    ctstate: ['NEW', 'DNAT'],
    dstLocal: false,
  };
}

function withoutSource(r: Rule): Rule {
  return { ...r, matches: r.matches.map((m) => ({ ...m, options: m.options.filter((o) => o.name !== 's') })) };
}

/**
 * Whether the rule matches the packet, by the trace's evaluator: its source is left to the
 * caller (which sources it opens for is the answer), and a match the evaluator cannot judge
 * (a rate limit, a source port) does not keep a rule from deciding whether the port is open.
 */
function matchesPacket(r: Rule, p: Packet, strict = false): boolean {
  const { match, assumed } = ruleMatches(withoutSource(r), p);
  return match || (!strict && assumed.length > 0);
}

/**
 * before.rules' and after.rules' rules decide only when every match is understood: theirs
 * include matches no connection to a port is about (`-m rt --rt-type 0 -j DROP`), which must
 * not close every port.
 */
function strictFor(r: Rule, prefix: string): boolean {
  return !r.chain.startsWith(`${prefix}-user-`);
}

const VERDICTS: Record<string, 'accept' | 'drop'> = { ACCEPT: 'accept', DROP: 'drop', REJECT: 'drop' };

function verdictOf(r: Rule, prefix: string): 'accept' | 'drop' | undefined {
  const t = r.target?.name ?? '';
  if (t === `${prefix}-user-limit-accept`) return 'accept';
  if (t === `${prefix}-user-limit`) return 'accept';
  return VERDICTS[t];
}

/** Whether a host address is a loopback one (127.0.0.0/8, ::1): a port bound there is local only. */
export function isLoopback(ip: string | null | undefined): boolean {
  if (!ip) return false;
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}

/** A port published on a loopback address: whatever ufw says, nothing from outside reaches it. */
export function localOnly(hostIp: string): Exposure {
  return { state: 'local', sources: [], reason: `bound to ${hostIp}: reachable from this host only` };
}

/** How a chain's decisions are named: `ufw route rule` and `routed policy`, or `ufw rule` and `incoming policy`. */
export interface DecisionWords {
  rule: string;
  policy: string;
}

const ROUTED: DecisionWords = { rule: 'ufw route rule', policy: 'routed policy' };

/**
 * The first rule of `rules` that decides a packet from outside whatever its source, else
 * the policy; rules of one source before it make the port open to those sources only.
 */
export function decide(
  rules: readonly Rule[],
  packet: Packet,
  prefix: string,
  policy: string,
  words: DecisionWords,
): Exposure {
  const sources: string[] = [];
  for (const r of rules) {
    // after.rules sends some ports (NetBIOS) straight to the policy: the rules after it do not apply.
    const strict = strictFor(r, prefix);
    if (r.target?.name.startsWith(`${prefix}-skip-to-policy-`) && !opt(r, 's') && matchesPacket(r, packet, strict))
      break;
    const verdict = verdictOf(r, prefix);
    // A rule of one interface is not about every outside source: it decides nothing here.
    if (!verdict || opt(r, 'i') || opt(r, 'o') || !matchesPacket(r, packet, strict)) continue;
    const s = opt(r, 's');
    if (s) {
      if (verdict === 'accept' && !s.negated) sources.push((s.values[0] ?? '').replace(/\/(32|128)$/, ''));
      continue;
    }
    const what = `${ruleWords(r, prefix, words)} "${describe(r)}"`;
    if (verdict === 'accept') return { state: 'open', sources: [], reason: what };
    return {
      state: sources.length ? 'restricted' : 'closed',
      sources,
      reason: `${what} denies${sources.length ? ' the rest' : ''}`,
    };
  }
  if (policy === 'allow') return { state: 'open', sources: [], reason: `${words.policy} allow` };
  if (sources.length)
    return {
      state: 'restricted',
      sources,
      reason: `only from ${sources.join(', ')}; ${words.policy} ${policy} for the rest`,
    };
  return { state: 'closed', sources: [], reason: `${words.policy} ${policy}, no ${words.rule} allows it` };
}

/**
 * ufw's rules a new connection meets before the policy, in ufw's order: before.rules' chain
 * (which ends by jumping to the user rules), the user rules (`ufw allow`, `ufw route`), then
 * after.rules' chain. An operator's own ACCEPT or DROP in before.rules decides before any
 * `ufw` command's rule does, so it is judged first, as the kernel does.
 */
export function ufwRules(live: Ruleset | undefined, prefix: string, kind: 'input' | 'forward'): Rule[] {
  const rules = live?.tables.find((t) => t.name === 'filter')?.rules ?? [];
  const at = ['before', 'user', 'after'].map((a) => `${prefix}-${a}-${kind}`);
  const out: Rule[][] = [[], [], []];
  for (const r of rules) {
    const i = at.indexOf(r.chain);
    if (i >= 0) out[i]!.push(r);
  }
  return out.flat();
}

// Every published port is judged against the same ruleset: its rules are gathered and
// indexed once per ruleset object (rulesets are read-only once parsed).
const indexes = new WeakMap<Ruleset, Map<string, RuleIndex>>();
const EMPTY = indexRules([]);

/** ufwRules, indexed by the port each rule is about (rule-index.ts), once per ruleset. */
export function ufwRuleIndex(live: Ruleset | undefined, prefix: string, kind: 'input' | 'forward'): RuleIndex {
  if (!live) return EMPTY;
  let byKind = indexes.get(live);
  if (!byKind) indexes.set(live, (byKind = new Map()));
  const k = `${prefix} ${kind}`;
  let ix = byKind.get(k);
  if (!ix) byKind.set(k, (ix = indexRules(ufwRules(live, prefix, kind))));
  return ix;
}

/** The rules of `ix` that may decide `packet`. */
function rulesFor(ix: RuleIndex, packet: Packet): readonly Rule[] {
  return candidates(ix, packetKey(packet.dst, packet.proto, packet.dport));
}

/** `ufw before.rules rule`, `ufw after.rules rule`, or the user rules' words. */
function ruleWords(r: Rule, prefix: string, words: DecisionWords): string {
  if (r.chain.startsWith(`${prefix}-before-`)) return 'ufw before.rules rule';
  if (r.chain.startsWith(`${prefix}-after-`)) return 'ufw after.rules rule';
  return words.rule;
}

/** Decides one published port in one family. */
export function exposure(f: UfwFacts, p: PortPacket): Exposure {
  if (!f.running) return { state: 'open', sources: [], reason: 'ufw is not running' };
  if (!f.blockLoaded)
    return { state: 'open', sources: [], reason: 'ufw does not see published ports (netctl ufw install)' };
  const prefix = ufwFamily(f.family).prefix;
  const packet = packetOf(p);
  const rules = rulesFor(ufwRuleIndex(f.live, prefix, 'forward'), packet);
  return decide(rules, packet, prefix, f.routedPolicy ?? 'unknown', ROUTED);
}

/**
 * Whether ufw lets a new connection from outside in to a socket of the host itself
 * (`dst` its bound address, '' for every address): ufw's incoming rules, then its incoming
 * policy. `policy` is DEFAULT_INPUT_POLICY as ufw names it (allow, deny, reject).
 */
export function incomingExposure(
  f: UfwFacts,
  policy: string | null,
  proto: string,
  port: number,
  dst: string,
): Exposure {
  if (!f.running) return { state: 'open', sources: [], reason: 'ufw is not running' };
  const prefix = ufwFamily(f.family).prefix;
  const packet: Packet = { src: '', dst, proto, dport: port, ctstate: ['NEW'], dstLocal: true };
  return decide(rulesFor(ufwRuleIndex(f.live, prefix, 'input'), packet), packet, prefix, policy ?? 'unknown', {
    rule: 'ufw rule',
    policy: 'incoming policy',
  });
}

function describe(r: Rule): string {
  const p = opt(r, 'p')?.values[0];
  const d = opt(r, 'd')?.values[0]?.replace(/\/(32|128)$/, '');
  const port = (opt(r, 'dport') ?? opt(r, 'dports'))?.values[0];
  return `${r.target?.name ?? ''} ${d ?? 'any'}${port ? ` ${port}` : ''}${p ? `/${p}` : ''}`.trim();
}
