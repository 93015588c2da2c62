/** `netctl container prune [--dry-run] [--json]`: removes every stopped container (exited, created, dead). */
import type { CommandContext } from '../context.js';
import { psRows } from '../../ops/read.js';
import { removeContainer } from '../../ops/container.js';
import { ErrorList } from '../../errors.js';

export default async function containerPrune(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  const stopped = (await psRows(ctx.host, { all: true })).filter((r) =>
    ['exited', 'created', 'dead'].includes(r.status),
  );
  const errors = new ErrorList();
  const removed: string[] = [];
  for (const r of stopped)
    await errors.attempt('remove container', r.name, async () => {
      await removeContainer(ctx.host, r.id, { dryRun });
      removed.push(r.name);
    });
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ removed, dryRun }, null, 2)}\n`);
  else ctx.stdout.write(removed.map((n) => `${dryRun ? 'would remove ' : ''}${n}\n`).join(''));
  errors.throwIfAny();
}
