/** `netctl builder prune [-a] [-f]`: removes the build cache's step images and entries. */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { planPruneBuilder, pruneBuilder } from '../../ops/builder.js';

export default async function builderPrune(ctx: CommandContext): Promise<void> {
  const all = Boolean(ctx.opts.all);
  if (ctx.opts.dryRun === true) {
    const plan = await planPruneBuilder(ctx.host, all);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  const r = await pruneBuilder(ctx.host, all);
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  for (const id of r.images) ctx.stdout.write(`Deleted: sha256:${id}\n`);
  ctx.stdout.write(`Total reclaimed space: ${r.reclaimed} B (${r.entries} cache entries, ${r.layers.length} layers)\n`);
}
