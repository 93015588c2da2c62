/**
 * `netctl image rm NAME...`: untag names; delete images no name points at any more.
 * Goes on after a failure and reports every one.
 */
import type { CommandContext } from '../context.js';
import { removeImage, type RemoveResult } from '../../ops/image.js';
import { ErrorList } from '../../errors.js';

export default async function imageRm(ctx: CommandContext): Promise<void> {
  const names = (ctx.args[0] as string[] | undefined) ?? [];
  const errors = new ErrorList();
  const done: (RemoveResult & { name: string })[] = [];
  for (const name of names) {
    await errors.attempt('remove image', name, async () => {
      const r = await removeImage(ctx.host, name);
      done.push({ name, ...r });
      if (ctx.opts.json) return;
      for (const t of r.untagged) ctx.stdout.write(`Untagged: ${t}\n`);
      if (r.deleted) ctx.stdout.write(`Deleted: sha256:${r.deleted}\n`);
    });
  }
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
  errors.throwIfAny();
}
