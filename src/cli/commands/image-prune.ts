/**
 * `netctl image prune [-a] [--dry-run]`: removes untagged images (with -a, every image) that no container
 * uses, then every layer no image lists.
 */
import type { CommandContext } from '../context.js';
import { humanBytes } from '../format/pull-progress.js';
import { formatPlan } from '../format/plan.js';
import { planPruneImages, pruneImages } from '../../ops/image-space.js';

export default async function imagePrune(ctx: CommandContext): Promise<void> {
  if (ctx.opts.dryRun === true) {
    const plan = await planPruneImages(ctx.host, ctx.opts.all === true);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  const r = await pruneImages(ctx.host, ctx.opts.all === true);
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  for (const t of r.untagged) ctx.stdout.write(`Untagged: ${t}\n`);
  for (const id of [...r.deleted, ...r.layers])
    ctx.stdout.write(`Deleted: ${id.startsWith('sha256:') ? id : `sha256:${id}`}\n`);
  ctx.stdout.write(`Total reclaimed space: ${humanBytes(r.reclaimed)}\n`);
}
