/**
 * `netctl ufw uninstall [--dry-run]`: takes the netctl block out of /etc/ufw/after.rules
 * and after6.rules (giving back the files as they were), moves netctl's rules off its chain
 * and removes the chain from the running firewall. With --dry-run the plan goes to stdout
 * and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { renderApply, ufwBlock } from '../../ops/ufw.js';
import { formatPlan } from '../format/plan.js';

export default async function ufwUninstall(ctx: CommandContext): Promise<number> {
  const out = await ufwBlock(ctx.host, 'uninstall', { dryRun: ctx.opts.dryRun === true });
  if (!out.applied) {
    ctx.stdout.write(formatPlan(out.plan));
    ctx.stderr.write(renderApply(out.result, 'uninstall', true));
  } else {
    ctx.stdout.write(renderApply(out.result, 'uninstall', false));
  }
  return 0;
}
