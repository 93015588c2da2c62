/**
 * `netctl image import [--dry-run] (TARBALL|DIR|-) NAME[:TAG]`: a root filesystem as a new
 * image; `--dry-run` checks the same and prints what it would unpack, run and tag.
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { importImage, normalizeImageRef, planImportImage } from '../../ops/image.js';
import { SystemError } from '../../errors.js';

export default async function imageImport(ctx: CommandContext): Promise<void> {
  const [source, name] = ctx.args as [string, string];
  const ref = normalizeImageRef(name);
  if (process.getuid?.() !== 0)
    throw new SystemError('image import: needs root (image files keep their owners)', { hint: 'run it with sudo' });
  const input = source === '-' ? process.stdin : source;
  if (ctx.opts.dryRun === true) {
    ctx.stdout.write(formatPlan(await planImportImage(ctx.host, input, ref)));
    return;
  }
  const record = await importImage(ctx.host, input, ref);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ id: record.id, tags: [ref] }, null, 2)}\n`);
  else ctx.stdout.write(`sha256:${record.id}\n`);
}
