/**
 * `netctl compose stop|start|restart [-t S] [SERVICE...]`: stop last-started first, start in
 * dependency order; each container as `netctl stop` / `start` does it.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { type Container, serviceContainers, startContainers, stopContainers } from '../../ops/compose.js';

/** Stops the containers in the order given, a line for each. */
export async function stopAll(ctx: CommandContext, containers: readonly Container[], graceMs: number): Promise<void> {
  await stopContainers(ctx.host, containers, graceMs, (c) => ctx.stdout.write(`container ${c.name} stopped\n`));
}

export default async function composeLifecycle(ctx: CommandContext): Promise<void> {
  const verb = ctx.name.split(' ').pop()!;
  const { name, project } = await composeName(ctx);
  const containers = await serviceContainers(ctx.host, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  const grace = Number(ctx.opts.timeout ?? 10) * 1000;
  if (verb !== 'start') await stopAll(ctx, [...containers].reverse(), grace);
  if (verb === 'stop') return;
  await startContainers(ctx.host, containers, (c, started) =>
    ctx.stdout.write(`container ${c.name} ${started ? 'started' : 'already running'}\n`),
  );
}
