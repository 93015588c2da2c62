/**
 * netctl's route rules as ufw's files hold them, read back into RouteRules (for Docker's,
 * whose addresses only Docker and these files know), and each one's rule in ufw's live
 * forward chain with its counters. Pure.
 */
import type { Counters, Rule, Ruleset } from '../iptables/ast.js';
import { ROUTE_COMMENT_PREFIX, tupleComment, type RouteRule } from './route-rules.js';
import { hasRulesSection, parseUserRules } from './user-rules.js';
import { ufwFamily } from './names.js';
import type { Family } from '../../model/addr.js';

const ANY: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

/** The rule a `### tuple ### route:allow ...` line of netctl's stands for, or null for any other line. */
export function parseTupleLine(line: string, family: Family): RouteRule | null {
  const m = /^### tuple ### route:allow (tcp|udp) (\d+) (\S+) any (\S+) in comment=/.exec(line);
  const comment = tupleComment(line);
  if (!m || !comment.startsWith(ROUTE_COMMENT_PREFIX)) return null;
  return {
    family,
    proto: m[1] as 'tcp' | 'udp',
    port: Number(m[2]),
    to: m[3]!,
    from: m[4] === ANY[family] ? null : m[4]!,
    comment,
  };
}

/** netctl's route rules (its own and Docker's) in the text of user.rules / user6.rules. */
export function routesInUserRules(text: string | undefined, family: Family): RouteRule[] {
  if (text === undefined || !hasRulesSection(text)) return [];
  return parseUserRules(text).entries.flatMap((e) => {
    const r = parseTupleLine(e.lines[0] ?? '', family);
    return r ? [r] : [];
  });
}

function options(rule: Rule): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of rule.matches) for (const o of m.options) if (!o.negated) out.set(o.name, o.values.join(' '));
  return out;
}

function host(addr: string | undefined): string | undefined {
  return addr?.replace(/\/(32|128)$/, '');
}

// Each route's counters were a scan of the whole filter table: the TUI's 5,000 routes
// scanned 5,000 rules each. The forward chains' ACCEPT rules are keyed once per ruleset.
const counterIndexes = new WeakMap<Ruleset, Map<string, Counters>>();

function routeKey(chain: string, proto?: string, to?: string, port?: string, from?: string): string {
  return [chain, proto ?? '', to ?? '', port ?? '', from ?? '\u0001'].join('\u0000');
}

function counterIndex(live: Ruleset): Map<string, Counters> {
  let ix = counterIndexes.get(live);
  if (ix) return ix;
  ix = new Map();
  const chains = new Set([4, 6].map((f) => `${ufwFamily(f as Family).prefix}-user-forward`));
  const filter = live.tables.find((t) => t.name === 'filter');
  for (const rule of filter?.rules ?? []) {
    if (!chains.has(rule.chain) || rule.target?.name !== 'ACCEPT') continue;
    const o = options(rule);
    const k = routeKey(rule.chain, o.get('p'), host(o.get('d')), o.get('dport'), host(o.get('s')));
    // The first rule of a tuple is the one a lookup by scan found.
    if (!ix.has(k)) ix.set(k, rule.counters ?? { packets: 0n, bytes: 0n });
  }
  counterIndexes.set(live, ix);
  return ix;
}

/**
 * The counters of the rule ufw loaded for `r` in its live forward chain (`ufw-user-forward`,
 * `ufw6-user-forward`), or undefined when it is not loaded.
 */
export function liveRouteCounters(live: Ruleset, r: RouteRule): Counters | undefined {
  const chain = `${ufwFamily(r.family).prefix}-user-forward`;
  return counterIndex(live).get(routeKey(chain, r.proto, r.to, String(r.port), r.from ?? undefined));
}
