/**
 * `netctl image rm NAME...`: untag names; delete images no name points at any more.
 * Goes on after a failure and reports every one.
 */
import type { CommandContext } from '../context.js';
import { removeImage, resolveImage, type RemoveResult } from '../../runtime/image-store.js';
import { ConflictError, ErrorList } from '../../errors.js';

/** Refuses an image a container was created from (its writable layer sits on it). */
async function refuseInUse(ctx: CommandContext, name: string): Promise<void> {
  const image = await resolveImage(ctx.global, name);
  const store = ctx.host.store();
  try {
    const user = store.containers
      .list({ all: true })
      .find((c) => (c.config as { imageId?: string }).imageId === image.id);
    if (user)
      throw new ConflictError(
        `image "${name}" is in use by container "${user.name}"`,
        `remove the container first: netctl rm -f ${user.name}`,
      );
  } finally {
    store.close();
  }
}

export default async function imageRm(ctx: CommandContext): Promise<void> {
  const names = (ctx.args[0] as string[] | undefined) ?? [];
  const errors = new ErrorList();
  const done: (RemoveResult & { name: string })[] = [];
  for (const name of names) {
    await errors.attempt('remove image', name, async () => {
      await refuseInUse(ctx, name);
      const r = await removeImage(ctx.global, name);
      done.push({ name, ...r });
      if (ctx.opts.json) return;
      for (const t of r.untagged) ctx.stdout.write(`Untagged: ${t}\n`);
      if (r.deleted) ctx.stdout.write(`Deleted: sha256:${r.deleted}\n`);
    });
  }
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
  errors.throwIfAny();
}
