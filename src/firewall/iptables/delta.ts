/**
 * One container's change applied to a known ruleset: its rules (desired.ts
 * containerRules) appended at the end of their chains, or taken out. Pure. Each function
 * returns undefined when the ruleset cannot be the one the change was planned against (a
 * chain missing, a rule to take out not there), and the caller plans from every record
 * instead.
 */
import type { Rule, Ruleset } from './ast.js';
import { ruleKey } from './rule-equal.js';

/** `live` with the rules of `add` at the end of their chains, which must exist in `live`. */
export function withRules(live: Ruleset, add: Ruleset): Ruleset | undefined {
  const tables = new Map(live.tables.map((t) => [t.name, t]));
  for (const a of add.tables) {
    const t = tables.get(a.name);
    if (!t || !a.rules.every((r) => t.chains.some((c) => c.name === r.chain))) return undefined;
    tables.set(a.name, { ...t, rules: [...t.rules, ...a.rules] });
  }
  return { ...live, tables: live.tables.map((t) => tables.get(t.name)!) };
}

/** `live` less one occurrence of each rule of `drop`, found in the same chain. */
export function withoutRules(live: Ruleset, drop: Ruleset): Ruleset | undefined {
  const tables = new Map(live.tables.map((t) => [t.name, t]));
  for (const d of drop.tables) {
    const t = tables.get(d.name);
    if (!t) return undefined;
    const rules: (Rule | undefined)[] = [...t.rules];
    for (const r of d.rules) {
      // By line (what sameRule decides): a live rule's is known, its fields need no parse.
      const key = ruleKey(r);
      const at = rules.findIndex((x) => x !== undefined && x.chain === r.chain && ruleKey(x) === key);
      if (at < 0) return undefined;
      rules[at] = undefined;
    }
    tables.set(d.name, { ...t, rules: rules.filter((r): r is Rule => r !== undefined) });
  }
  return { ...live, tables: live.tables.map((t) => tables.get(t.name)!) };
}
