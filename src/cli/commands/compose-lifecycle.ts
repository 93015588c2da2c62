/**
 * `netctl compose stop|start|restart [-t S] [--dry-run] [SERVICE...]`: stop last-started
 * first, start in dependency order; each container as `netctl stop` / `start` does it.
 * `--dry-run` prints each container's plan as `stop --dry-run` / `start --dry-run` do,
 * then the whole plan, and changes nothing.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { formatPlan } from '../format/plan.js';
import {
  type ComposeProject,
  type Container,
  planLifecycle,
  restartDependents,
  serviceContainers,
  startContainers,
  stopContainers,
} from '../../ops/compose.js';
import { startPlanText } from './start.js';
import { stopPlanText } from './stop.js';

/** Stops the containers in the order given, a line for each. */
export async function stopAll(
  ctx: CommandContext,
  containers: readonly Container[],
  graceMs?: number,
  project?: ComposeProject,
): Promise<void> {
  const line = (t: string): void => void ctx.stdout.write(`${t}\n`);
  await stopContainers(ctx.host, containers, graceMs, (c) => line(`container ${c.name} stopped`), project, line);
}

export default async function composeLifecycle(ctx: CommandContext): Promise<void> {
  const verb = ctx.name.split(' ').pop()!;
  const { name, project } = await composeName(ctx);
  const named = (ctx.args[0] as string[] | undefined) ?? [];
  // restart db: also the services whose depends_on says `db: {restart: true}`, as Compose does.
  const services = verb === 'restart' && project && named.length > 0 ? restartDependents(project, named) : named;
  const containers = await serviceContainers(ctx.host, name, project, services);
  // Without -t: each container's stop_grace_period, else 10 s.
  const grace = ctx.opts.timeout === undefined ? undefined : Number(ctx.opts.timeout) * 1000;
  const stopping = verb === 'start' ? [] : [...containers].reverse();
  const starting = verb === 'stop' ? [] : containers;
  if (ctx.opts.dryRun === true) {
    const p = await planLifecycle(ctx.host, stopping, starting, grace);
    for (const s of p.stops) ctx.stdout.write(`stop ${stopPlanText(s)}`);
    for (const s of p.starts) ctx.stdout.write(`start ${startPlanText(s)}`);
    ctx.stdout.write(`\n${formatPlan(p.plan)}`);
    return;
  }
  if (verb !== 'start') await stopAll(ctx, stopping, grace, project);
  if (verb === 'stop') return;
  await startContainers(
    ctx.host,
    containers,
    (c, started) => ctx.stdout.write(`container ${c.name} ${started ? 'started' : 'already running'}\n`),
    project,
    (t) => void ctx.stdout.write(`${t}\n`),
  );
}
