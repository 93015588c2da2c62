/**
 * `netctl rm [-f] [-v] [--dry-run] NAME...`: every name is tried; failures are reported
 * together. `-v` also removes the anonymous volumes only that container used.
 */
import type { CommandContext } from '../context.js';
import { removeContainer } from '../../ops/container.js';
import { formatPlan } from '../format/plan.js';
import { ErrorList } from '../../errors.js';

export default async function rm(ctx: CommandContext): Promise<void> {
  const errors = new ErrorList();
  const dryRun = Boolean(ctx.opts.dryRun);
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt('remove container', ref, async () => {
      const o = { force: Boolean(ctx.opts.force), volumes: Boolean(ctx.opts.volumes), dryRun };
      const { plan, result: c } = await removeContainer(ctx.host, ref, o);
      ctx.stdout.write(dryRun ? formatPlan(plan) : `${c!.name}\n`);
    });
  }
  errors.throwIfAny();
}
