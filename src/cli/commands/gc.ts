/**
 * `netctl gc [--dry-run] [--json]`: removes leaks of killed commands and re-applies the
 * database to the kernel; prints one line per thing removed or repaired.
 */
import type { CommandContext } from '../context.js';
import { gc } from '../../ops/gc.js';

export default async function gcCommand(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  const { items } = (await gc(ctx.host, { dryRun })).result;
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
  else if (items.length === 0) ctx.stdout.write('nothing to collect\n');
  else
    for (const i of items)
      if (i.kind === 'dns' || i.kind === 'health') ctx.stdout.write(`${i.name}\n`);
      else
        ctx.stdout.write(
          `${dryRun ? 'would remove' : 'removed'} ${i.kind} ${i.name}\n`.replace(
            /^(would remove|removed) (bridge-missing|rules)/,
            (_m, v: string, k: string) => `${v === 'removed' ? 'repaired' : 'would repair'} ${k}`,
          ),
        );
}
