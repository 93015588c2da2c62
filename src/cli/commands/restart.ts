/**
 * `netctl restart [-t S] NAME...`: stop (SIGTERM, SIGKILL after S seconds), then start.
 */
import type { CommandContext } from '../context.js';
import { stopProcess } from '../../engine/containers.js';
import { startEach } from './start.js';

export default async function restart(ctx: CommandContext): Promise<void> {
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  await startEach(ctx, 'restart container', async (ref) => {
    const store = ctx.host.store();
    try {
      const c = store.containers.require(ref);
      await stopProcess(roots, c, Number(ctx.opts.time ?? 10) * 1000);
      store.containers.update(c.id, { state: 'exited', pid: null, finishedAt: new Date().toISOString() });
    } finally {
      store.close();
    }
  });
}
