/**
 * `netctl image load [-i FILE] [--dry-run]`: the images of a `docker save` or OCI archive
 * (stdin by default); `--dry-run` checks the input and prints what it would unpack and store.
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { loadImages, planLoadImages } from '../../ops/image.js';
import { SystemError } from '../../errors.js';

export default async function imageLoad(ctx: CommandContext): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new SystemError('image load: needs root (image files keep their owners)', { hint: 'run it with sudo' });
  const input = (ctx.opts.input as string | undefined) ?? process.stdin;
  if (ctx.opts.dryRun === true) {
    ctx.stdout.write(formatPlan(await planLoadImages(ctx.host, input)));
    return;
  }
  const loaded = await loadImages(ctx.host, input);
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
    return;
  }
  for (const img of loaded) {
    if (img.tags.length === 0) ctx.stdout.write(`Loaded image ID: sha256:${img.id}\n`);
    for (const t of img.tags) ctx.stdout.write(`Loaded image: ${t}\n`);
  }
}
