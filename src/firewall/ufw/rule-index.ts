/**
 * ufw's rules grouped by the one port each is about, so that judging every published port
 * against them costs the rules once, not once per port: `ufw status` and the TUI judged 50
 * ports against 5,000 route rules rule by rule (250,000 evaluations, seconds). A rule that
 * names one destination address, one protocol and one destination port, none of them
 * negated, cannot match a packet to any other (packet-eval.ts: one option that does not
 * match decides), so only the rules of the packet's own key and the rules without one are
 * looked at, in their order. Pure.
 */
import type { Option, Rule } from '../iptables/ast.js';
import { parseIp } from '../../model/addr.js';

/** The rules of one chain list, indexed; build it once with {@link indexRules}. */
export interface RuleIndex {
  rules: readonly Rule[];
  /** Positions in `rules` of the rules without a key, ascending. */
  generic: number[];
  /** Positions of the rules of each key, ascending. */
  keyed: Map<string, number[]>;
}

const hostKeys = new Map<string, string | undefined>();

/** The one address of `text` (`10.0.0.2`, `10.0.0.2/32`) in a form equal for equal addresses; undefined for a block. */
export function hostKey(text: string): string | undefined {
  if (hostKeys.has(text)) return hostKeys.get(text);
  if (hostKeys.size >= 10_000) hostKeys.clear();
  const k = parseHostKey(text);
  hostKeys.set(text, k);
  return k;
}

function parseHostKey(text: string): string | undefined {
  const slash = text.indexOf('/');
  const bits = slash < 0 ? '' : text.slice(slash + 1);
  if (bits !== '' && bits !== '32' && bits !== '128') return undefined;
  const addr = slash < 0 ? text : text.slice(0, slash);
  try {
    const ip = parseIp(addr);
    if (bits === '32' && ip.family !== 4) return undefined;
    return `${ip.family}:${ip.value}`;
  } catch {
    return undefined;
  }
}

/** The packet's key: destination, protocol, port. */
export function packetKey(dst: string, proto: string, dport: number): string | undefined {
  const d = hostKey(dst);
  return d === undefined ? undefined : `${d} ${proto} ${dport}`;
}

/** The only option named `name` of a rule, undefined when it has none or several. */
function only(r: Rule, name: string): Option | null | undefined {
  let found: Option | undefined;
  for (const m of r.matches)
    for (const o of m.options) {
      if (o.name !== name) continue;
      if (found) return null;
      found = o;
    }
  return found;
}

const PORT = /^\d+$/;

/** The key of a rule that can only match packets of that key, else undefined. */
export function ruleKey(r: Rule): string | undefined {
  const d = only(r, 'd');
  const p = only(r, 'p');
  const port = only(r, 'dport');
  if (!d || !p || !port || d.negated || p.negated || port.negated) return undefined;
  if (only(r, 'dports') !== undefined) return undefined;
  const [dv, pv, portv] = [d.values[0], p.values[0], port.values[0]];
  if (dv === undefined || pv === undefined || portv === undefined || !PORT.test(portv)) return undefined;
  return packetKey(dv, pv, Number(portv));
}

/** Indexes `rules` by key; O(rules). */
export function indexRules(rules: readonly Rule[]): RuleIndex {
  const generic: number[] = [];
  const keyed = new Map<string, number[]>();
  rules.forEach((r, i) => {
    const k = ruleKey(r);
    if (k === undefined) generic.push(i);
    else {
      const at = keyed.get(k);
      if (at) at.push(i);
      else keyed.set(k, [i]);
    }
  });
  return { rules, generic, keyed };
}

/**
 * The rules that may match a packet of `key`, in their order: the generic ones and those of
 * the key (all of them when the packet has no key).
 */
export function candidates(ix: RuleIndex, key: string | undefined): readonly Rule[] {
  if (key === undefined) return ix.rules;
  const own = ix.keyed.get(key) ?? [];
  const { generic } = ix;
  const out: Rule[] = [];
  let [g, o] = [0, 0];
  while (g < generic.length || o < own.length) {
    const next = o >= own.length || (g < generic.length && generic[g]! < own[o]!) ? generic[g++]! : own[o++]!;
    out.push(ix.rules[next]!);
  }
  return out;
}
