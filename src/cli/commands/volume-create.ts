/**
 * `netctl volume create [-o K=V]... [--label K=V]... [NAME]`: prints the volume's name.
 */
import type { CommandContext } from '../context.js';
import { createVolume } from '../../ops/volume.js';
import { parseKeyValues } from '../../model/names.js';
import { formatPlan } from '../format/plan.js';
import { UsageError } from '../../errors.js';

export default async function volumeCreate(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  if (o.driver !== 'local') throw new UsageError(`volume driver "${String(o.driver)}" is not supported (only "local")`);
  const name = ctx.args[0] as string | undefined;
  const spec = {
    ...(name !== undefined ? { name } : {}),
    options: parseKeyValues('--opt', o.opt as string[] | undefined),
    labels: parseKeyValues('--label', o.label as string[] | undefined),
  };
  const dryRun = Boolean(o.dryRun);
  const { plan, result: v } = await createVolume(ctx.host, spec, { dryRun });
  if (dryRun) ctx.stdout.write(o.json ? `${JSON.stringify({ plan, volume: v }, null, 2)}\n` : formatPlan(plan));
  else ctx.stdout.write(o.json ? `${JSON.stringify({ name: v.name })}\n` : `${v.name}\n`);
}
