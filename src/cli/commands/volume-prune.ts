/**
 * `netctl volume prune [-a]`: removes the volumes no container uses, anonymous ones only
 * unless `-a` (as Docker since 23.0).
 */
import type { CommandContext } from '../context.js';
import { pruneVolumes } from '../../ops/volume.js';

export default async function volumePrune(ctx: CommandContext): Promise<void> {
  const dryRun = Boolean(ctx.opts.dryRun);
  const { result: names, plan } = await pruneVolumes(ctx.host, { dryRun, all: Boolean(ctx.opts.all) });
  if (ctx.opts.json)
    ctx.stdout.write(
      `${JSON.stringify(dryRun ? { removed: [], wouldRemove: names, plan } : { removed: names }, null, 2)}\n`,
    );
  else for (const n of names) ctx.stdout.write(dryRun ? `would remove ${n}\n` : `${n}\n`);
}
