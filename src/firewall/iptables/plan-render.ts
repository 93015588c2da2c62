/**
 * A RestorePlan as the one `iptables-restore --noflush` document that applies it. Each
 * table is committed on its own (and atomically): declarations first (a declaration of an
 * existing chain flushes it), then rule deletions, then the rewritten chains' rules and the
 * appended ones, then the tagged rules at the top of built-in chains, and last `-X` for
 * chains no longer wanted, once nothing of netctl's refers to them.
 */
import { InternalError } from '../../errors.js';
import type { Rule } from './ast.js';
import { ruleKey, type RestorePlan, type TablePlan } from './diff.js';

/** The rule spec after `-A CHAIN `: what `-D` and `-I` take. */
function spec(rule: Rule): string {
  const text = ruleKey(rule);
  const head = `-A ${rule.chain} `;
  if (!text.startsWith(head)) throw new InternalError(`rendered rule does not start with "${head}": ${text}`);
  return text.slice(head.length);
}

function inserts(rules: Rule[]): string[] {
  const chains = [...new Set(rules.map((r) => r.chain))];
  // Inserting at 1 in reverse order leaves each chain's block in its planned order on top.
  return chains.flatMap((c) =>
    rules
      .filter((r) => r.chain === c)
      .reverse()
      .map((r) => `-I ${c} 1 ${spec(r)}`),
  );
}

function tableLines(t: TablePlan): string[] {
  return [
    `*${t.table}`,
    ...[...t.write.map((c) => c.name), ...t.remove].map((c) => `:${c} - [0:0]`),
    ...t.deleteRules.map((r) => `-D ${r.chain} ${spec(r)}`),
    ...t.write.flatMap((c) => c.rules.map(ruleKey)),
    ...t.append.map(ruleKey),
    ...inserts(t.insertRules),
    ...t.remove.map((c) => `-X ${c}`),
    'COMMIT',
  ];
}

/** The `iptables-restore --noflush` input applying `plan`; empty text for an empty plan. */
export function renderPlan(plan: RestorePlan): string {
  const lines = plan.tables.flatMap(tableLines);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
