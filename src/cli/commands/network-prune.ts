/**
 * `netctl network prune`: removes every network no container uses (not the default one).
 */
import type { CommandContext } from '../context.js';
import { pruneNetworks } from '../../ops/network.js';

export default async function networkPrune(ctx: CommandContext): Promise<void> {
  const dryRun = Boolean(ctx.opts.dryRun);
  const r = await pruneNetworks(ctx.host, { dryRun }, (name) => ctx.stdout.write(`${name}\n`));
  if (dryRun) for (const name of r.names) ctx.stdout.write(`would remove ${name}\n`);
  r.errors.throwIfAny();
}
