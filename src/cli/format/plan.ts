/**
 * Printing a planned change for `--dry-run`.
 */
import type { ChangePlan } from '../../ops/tx.js';

/** The plan as text: the operations, the restore documents, then files, processes and other effects. */
export function formatPlan(plan: ChangePlan): string {
  const ops = plan.operations.map((o) => `  ${o}`).join('\n');
  let out = `netlink and sysctl operations:\n${ops || '  (none)'}\n${plan.rules ? `\n${plan.rules}` : '\nrules: no change\n'}`;
  if (plan.files?.length) out += `\nfiles:\n${plan.files.join('')}`;
  if (plan.processes?.length)
    out += `\nprocesses:\n${plan.processes.map((argv) => `  ${argv.map(quoteArg).join(' ')}\n`).join('')}`;
  if (plan.notes?.length) out += `\nalso:\n${plan.notes.map((n) => `  ${n}\n`).join('')}`;
  return out;
}

/** An argument as a shell would need it, for reading only: nothing is ever run through a shell. */
function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
