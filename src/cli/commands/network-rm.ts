/**
 * `netctl network rm NAME...`: every name is tried; failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { removeNetwork } from '../../engine/networks.js';
import { formatPlan } from '../format/plan.js';
import { ErrorList } from '../../errors.js';

export default async function networkRm(ctx: CommandContext): Promise<void> {
  const engine = await ctx.host.engine();
  const errors = new ErrorList();
  try {
    for (const ref of ctx.args[0] as string[]) {
      await errors.attempt('remove network', ref, async () => {
        const { network, plan } = await removeNetwork(engine, ref, Boolean(ctx.opts.dryRun));
        ctx.stdout.write(ctx.opts.dryRun ? formatPlan(plan) : `${network.name}\n`);
      });
    }
  } finally {
    engine.close();
  }
  errors.throwIfAny();
}
