/**
 * `netctl compose stop|start|restart [-t S] [SERVICE...]`: stop last-started first, start in
 * dependency order; each container as `netctl stop` / `start` does it.
 */
import type { CommandContext } from '../context.js';
import type { Container } from '../../model/container.js';
import type { Store } from '../../store/index.js';
import { stopProcess } from '../../engine/containers.js';
import { startContainer } from '../../engine/lifecycle.js';
import { composeName, rootsOf, serviceContainers } from '../compose-context.js';
import { ErrorList } from '../../errors.js';

/** Stops the containers in the order given. */
export async function stopContainers(
  ctx: CommandContext,
  store: Store,
  containers: readonly Container[],
  graceMs: number,
): Promise<void> {
  const errors = new ErrorList();
  for (const c of containers) {
    await errors.attempt('stop container', c.name, async () => {
      await stopProcess(rootsOf(ctx), c, graceMs);
      store.containers.update(c.id, { state: 'exited', pid: null, finishedAt: new Date().toISOString() });
      ctx.stdout.write(`container ${c.name} stopped\n`);
    });
  }
  errors.throwIfAny();
}

export default async function composeLifecycle(ctx: CommandContext): Promise<void> {
  const verb = ctx.name.split(' ').pop()!;
  const { name, project } = await composeName(ctx);
  const engine = await ctx.host.engine();
  try {
    const containers = serviceContainers(engine, name, project, (ctx.args[0] as string[] | undefined) ?? []);
    const grace = Number(ctx.opts.timeout ?? 10) * 1000;
    if (verb !== 'start') await stopContainers(ctx, engine.store, [...containers].reverse(), grace);
    if (verb === 'stop') return;
    const errors = new ErrorList();
    for (const c of containers) {
      await errors.attempt('start container', c.name, async () => {
        const r = await startContainer(engine, c.id);
        ctx.stdout.write(`container ${c.name} ${r.started ? 'started' : 'already running'}\n`);
      });
    }
    errors.throwIfAny();
  } finally {
    engine.close();
  }
}
