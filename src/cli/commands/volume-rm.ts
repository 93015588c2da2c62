/**
 * `netctl volume rm [-f] NAME...`: a volume in use is refused, naming its containers;
 * every name is tried and failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { removeVolumes } from '../../ops/volume.js';
import { formatPlan } from '../format/plan.js';

export default async function volumeRm(ctx: CommandContext): Promise<void> {
  const dryRun = Boolean(ctx.opts.dryRun);
  const names = ctx.args[0] as string[];
  const plans: object[] = [];
  await removeVolumes(ctx.host, names, { dryRun, force: Boolean(ctx.opts.force) }, (name, out) => {
    if (ctx.opts.json) plans.push(dryRun ? { name, plan: out.plan } : { name });
    else ctx.stdout.write(dryRun ? formatPlan(out.plan) : `${name}\n`);
  });
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
}
