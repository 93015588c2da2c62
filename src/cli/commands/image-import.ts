/**
 * `netctl image import (TARBALL|DIR|-) NAME[:TAG]`: a root filesystem as a new image.
 */
import type { CommandContext } from '../context.js';
import { importImage, normalizeImageRef } from '../../ops/image.js';
import { SystemError } from '../../errors.js';

export default async function imageImport(ctx: CommandContext): Promise<void> {
  const [source, name] = ctx.args as [string, string];
  const ref = normalizeImageRef(name);
  if (process.getuid?.() !== 0)
    throw new SystemError('image import: needs root (image files keep their owners)', { hint: 'run it with sudo' });
  const record = await importImage(ctx.host, source === '-' ? process.stdin : source, ref);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ id: record.id, tags: [ref] }, null, 2)}\n`);
  else ctx.stdout.write(`sha256:${record.id}\n`);
}
