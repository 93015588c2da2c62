/**
 * `netctl ufw install [--dry-run]`: adds the netctl block to /etc/ufw/after.rules and
 * after6.rules, loads its chain where ufw runs and moves netctl's rules onto it. With
 * --dry-run the plan (the files' diffs, the rules) goes to stdout and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { renderApply, ufwBlock } from '../../ops/ufw.js';
import { formatPlan } from '../format/plan.js';

export default async function ufwInstall(ctx: CommandContext): Promise<number> {
  const out = await ufwBlock(ctx.host, 'install', { dryRun: ctx.opts.dryRun === true });
  if (!out.applied) {
    ctx.stdout.write(formatPlan(out.plan));
    ctx.stderr.write(renderApply(out.result, 'install', true));
  } else {
    ctx.stdout.write(renderApply(out.result, 'install', false));
  }
  return 0;
}
