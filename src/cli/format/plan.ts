/**
 * Printing a planned change for `--dry-run`.
 */
import type { ChangePlan } from '../../engine/networks.js';

/** The plan as text: the operations, then the restore documents. */
export function formatPlan(plan: ChangePlan): string {
  const ops = plan.operations.map((o) => `  ${o}`).join('\n');
  return `netlink and sysctl operations:\n${ops || '  (none)'}\n${plan.rules ? `\n${plan.rules}` : '\nrules: no change\n'}`;
}
