/**
 * `netctl network prune`: removes every network no container uses (not the default one).
 */
import type { CommandContext } from '../context.js';
import { DEFAULT_NETWORK, removeNetwork } from '../../engine/networks.js';
import { ErrorList } from '../../errors.js';

export default async function networkPrune(ctx: CommandContext): Promise<void> {
  const engine = await ctx.host.engine();
  const errors = new ErrorList();
  try {
    const unused = engine.store.networks
      .list()
      .filter((n) => n.name !== DEFAULT_NETWORK.name && engine.store.endpoints.forNetwork(n.id).length === 0);
    for (const n of unused) {
      if (ctx.opts.dryRun) {
        ctx.stdout.write(`would remove ${n.name}\n`);
        continue;
      }
      await errors.attempt('remove network', n.name, async () => {
        await removeNetwork(engine, n.id);
        ctx.stdout.write(`${n.name}\n`);
      });
    }
  } finally {
    engine.close();
  }
  errors.throwIfAny();
}
