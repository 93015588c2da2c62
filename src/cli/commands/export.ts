/** `netctl export [-o FILE] NAME`: the container's filesystem as a tar archive. */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { CommandContext } from '../context.js';
import { exportContainer } from '../../ops/container-files.js';
import { UsageError } from '../../errors.js';

export default async function exportCmd(ctx: CommandContext): Promise<void> {
  const out = ctx.opts.output as string | undefined;
  if (!out) {
    if ((ctx.stdout as NodeJS.WriteStream).isTTY)
      throw new UsageError('export: refusing to write a tar archive to a terminal', 'give -o FILE, or redirect stdout');
    await exportContainer(ctx.host, ctx.args[0] as string, ctx.stdout as NodeJS.WriteStream);
    return;
  }
  // Written beside, then renamed: a failed export leaves no half archive under the name.
  const tmp = `${out}.netctl-tmp`;
  const file = createWriteStream(tmp, { mode: 0o600 });
  await exportContainer(ctx.host, ctx.args[0] as string, file);
  file.end();
  await finished(file);
  await rename(tmp, out);
}
