/**
 * `netctl network create [...] NAME`.
 */
import type { CommandContext } from '../context.js';
import { networkSpec } from '../network-spec.js';
import { createNetwork, ensureDefaultNetwork } from '../../engine/networks.js';
import { formatPlan } from '../format/plan.js';

export default async function networkCreate(ctx: CommandContext): Promise<void> {
  const spec = networkSpec(ctx.args[0] as string, ctx.opts);
  const engine = await ctx.host.engine();
  try {
    const dryRun = Boolean(ctx.opts.dryRun);
    if (!dryRun) await ensureDefaultNetwork(engine);
    const { network, plan } = await createNetwork(engine, spec, dryRun);
    if (dryRun) ctx.stdout.write(ctx.opts.json ? `${JSON.stringify({ plan }, null, 2)}\n` : formatPlan(plan));
    else
      ctx.stdout.write(
        ctx.opts.json ? `${JSON.stringify({ id: network!.id, name: network!.name })}\n` : `${network!.id}\n`,
      );
  } finally {
    engine.close();
  }
}
