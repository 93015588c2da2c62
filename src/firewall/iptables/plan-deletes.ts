/**
 * A plan that only deletes rules from netctl's own chains, as positions: what the native
 * addon's nf_tables batch takes (native/src/nftrules.cc). A restore that deletes pays
 * 25-45 ms for closing its netfilter socket (the kernel frees the deleted rules first);
 * the batch, over a socket netctl keeps open, does not. Positions come from the live rules
 * the plan was made against: netctl knows every rule of its own chains, so the i-th rule it
 * knows is the i-th the kernel lists. Any other plan (a chain written, appended to or
 * removed, a rule of a built-in chain) goes to iptables-restore.
 */
import type { Rule, Ruleset, Table } from './ast.js';
import type { RestorePlan } from './diff.js';
import { isOwnedChain } from './plan-names.js';
import { commentOf } from './plan-owned.js';
import { segmentsOf } from './chain-rules.js';
import { lineComment } from './lazy-rule.js';
import type { ChainEdit } from '../../sys/native.js';

export type { ChainEdit };

/**
 * The comments of the rules of `chain` in `table`, in order, and where a rule object of the
 * chain sits: read from a chained table's lines (its rules are not built), else from the rules.
 */
function chainOf(table: Table, chain: string): { comments: string[]; indexOf: (r: Rule) => number } {
  const segs = segmentsOf(table);
  if (segs) {
    const seg = segs.get(chain);
    if (!seg) return { comments: [], indexOf: () => -1 };
    const comments = seg.lines.map((l, i) => {
      const c = lineComment(l);
      return (c === null ? commentOf(seg.rule(i)) : c) ?? '';
    });
    return { comments, indexOf: (r) => seg.indexOf(r) };
  }
  const rules = table.rules.filter((r) => r.chain === chain);
  return { comments: rules.map((r) => commentOf(r) ?? ''), indexOf: (r) => rules.indexOf(r) };
}

/**
 * The edits that carry out `plans` (one per family) against `live`, or undefined when the
 * plans do anything but delete rules of owned chains, or name a rule `live` does not hold.
 */
export function deletionEdits(
  plans: { 4: RestorePlan; 6: RestorePlan },
  live: { 4: Ruleset; 6: Ruleset },
): ChainEdit[] | undefined {
  const edits: ChainEdit[] = [];
  for (const family of [4, 6] as const) {
    for (const t of plans[family].tables) {
      if (t.write.length + t.append.length + t.insertRules.length + t.remove.length > 0) return undefined;
      const table = live[family].tables.find((x) => x.name === t.table);
      if (!table) return undefined;
      const byChain = new Map<string, ChainEdit & { indexOf: (r: Rule) => number }>();
      for (const rule of t.deleteRules) {
        if (!isOwnedChain(rule.chain)) return undefined;
        let edit = byChain.get(rule.chain);
        if (!edit) {
          edit = { family, table: t.table, chain: rule.chain, doomed: [], ...chainOf(table, rule.chain) };
          byChain.set(rule.chain, edit);
        }
        // The plan's rules are the live snapshot's own objects (diff takes them from it).
        const at = edit.indexOf(rule);
        if (at < 0 || edit.doomed.includes(at)) return undefined;
        edit.doomed.push(at);
      }
      for (const { indexOf: _, ...edit } of byChain.values()) edits.push(edit);
    }
  }
  return edits;
}
