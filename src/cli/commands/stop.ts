/**
 * `netctl stop [-t S] NAME...`: SIGTERM, then SIGKILL after S seconds.
 */
import type { CommandContext } from '../context.js';
import { stopProcess } from '../../engine/containers.js';
import { ErrorList } from '../../errors.js';

export default async function stop(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  const errors = new ErrorList();
  try {
    for (const ref of ctx.args[0] as string[]) {
      await errors.attempt('stop container', ref, async () => {
        const c = store.containers.require(ref);
        await stopProcess(roots, c, Number(ctx.opts.time ?? 10) * 1000);
        store.containers.update(c.id, { state: 'exited', pid: null, finishedAt: new Date().toISOString() });
        ctx.stdout.write(`${c.name}\n`);
      });
    }
  } finally {
    store.close();
  }
  errors.throwIfAny();
}
