/**
 * Which wanted rules are not live at all, by content, wherever they sit: what `doctor` and
 * CHECK report as missing. The restore plan is no answer to that question: it rewrites a
 * chain's tail from the first difference, so one missing rule re-adds every rule after it.
 * Pure.
 */
import type { Ruleset } from './ast.js';
import { ruleKey } from './rule-equal.js';

/** The `-A` lines of `want`'s rules that `live` lacks, in `want`'s order. */
export function absentRules(want: Ruleset, live: Ruleset): string[] {
  const out: string[] = [];
  for (const t of want.tables) {
    // A multiset: a rule wanted twice must be live twice.
    const have = new Map<string, number>();
    for (const r of live.tables.find((l) => l.name === t.name)?.rules ?? [])
      have.set(ruleKey(r), (have.get(ruleKey(r)) ?? 0) + 1);
    for (const r of t.rules) {
      const key = ruleKey(r);
      const n = have.get(key) ?? 0;
      if (n > 0) have.set(key, n - 1);
      else out.push(key);
    }
  }
  return out;
}
