/**
 * `netctl network rm NAME...`: every name is tried; failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { removeNetwork } from '../../ops/network.js';
import { formatPlan } from '../format/plan.js';
import { ErrorList } from '../../errors.js';

export default async function networkRm(ctx: CommandContext): Promise<void> {
  const dryRun = Boolean(ctx.opts.dryRun);
  const errors = new ErrorList();
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt('remove network', ref, async () => {
      const { plan, result } = await removeNetwork(ctx.host, ref, { dryRun });
      ctx.stdout.write(dryRun ? formatPlan(plan) : `${result!.name}\n`);
    });
  }
  errors.throwIfAny();
}
