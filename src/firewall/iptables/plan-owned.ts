/**
 * What of a live ruleset belongs to netctl: its `NETCTL-*` chains with their rules, and the
 * `netctl:`-tagged rules in built-in chains. Everything else is foreign and never planned on.
 */
import { OWNED_COMMENT_PREFIX, type Rule, type Ruleset, type Table } from './ast.js';
import { isBuiltinChain, isOwnedChain } from './plan-names.js';
import { knownLine } from './render.js';
import { lineComment } from './lazy-rule.js';

/** The text of a rule's `-m comment --comment` option, if it has one. */
export function commentOf(rule: Rule): string | undefined {
  // A rule read back from the cache has its line: no parse for its comment.
  const line = knownLine(rule);
  const fast = line === undefined ? null : lineComment(line);
  if (fast !== null) return fast;
  for (const m of rule.matches) {
    if (m.module !== 'comment') continue;
    const o = m.options.find((x) => x.name === 'comment' && !x.negated);
    if (o) return o.values.join(' ');
  }
  return undefined;
}

/** True for a rule netctl owns in `table`. */
export function isOwnedRule(table: string, rule: Rule): boolean {
  if (isOwnedChain(rule.chain)) return true;
  // Tagged rules count only in built-in chains: a tag in someone else's chain (ufw's, say)
  // is that chain owner's business, and its rules are never ours to delete.
  return isBuiltinChain(table, rule.chain) && (commentOf(rule)?.startsWith(OWNED_COMMENT_PREFIX) ?? false);
}

function ownedTable(t: Table): Table {
  return {
    name: t.name,
    chains: t.chains.filter((c) => isOwnedChain(c.name)).map(({ name, policy }) => ({ name, policy })),
    rules: t.rules.filter((r) => isOwnedRule(t.name, r)).map(({ counters: _, ...r }) => r),
  };
}

/**
 * Restricts a parsed live ruleset to what netctl owns. Tables with nothing owned are
 * dropped; order is kept; counters and comment lines are dropped: they never take part in
 * a plan.
 */
export function ownedPart(live: Ruleset): Ruleset {
  const tables = live.tables.map(ownedTable).filter((t) => t.chains.length > 0 || t.rules.length > 0);
  return live.family === undefined ? { tables } : { family: live.family, tables };
}
