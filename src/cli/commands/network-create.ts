/**
 * `netctl network create [...] NAME`.
 */
import type { CommandContext } from '../context.js';
import { networkSpec } from '../network-spec.js';
import { createNetwork } from '../../ops/network.js';
import { formatPlan } from '../format/plan.js';

export default async function networkCreate(ctx: CommandContext): Promise<void> {
  const spec = networkSpec(ctx.args[0] as string, ctx.opts);
  const dryRun = Boolean(ctx.opts.dryRun);
  const { plan, result: network } = await createNetwork(ctx.host, spec, { dryRun });
  if (dryRun) ctx.stdout.write(ctx.opts.json ? `${JSON.stringify({ plan }, null, 2)}\n` : formatPlan(plan));
  else
    ctx.stdout.write(
      ctx.opts.json ? `${JSON.stringify({ id: network!.id, name: network!.name })}\n` : `${network!.id}\n`,
    );
}
