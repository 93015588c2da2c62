/**
 * `netctl compose [-f FILE]... [-p NAME] up [-d] [--wait] [--remove-orphans] [--build] [--dry-run] [SERVICE...]`:
 * images built (services with `build:`) or pulled first, then the actions (what differs from what runs), each through the engine; `--dry-run` prints
 * them and their plan (netlink operations, rules, the processes it would start) and
 * changes nothing. Without `-d` it follows the services' output, and Ctrl-C stops them, as
 * compose does.
 */
import type { CommandContext } from '../context.js';
import { composeProject, ephemeralRange, writeDryRun } from '../compose-context.js';
import { changes } from '../../compose/plan.js';
import { composeUp as up, serviceContainers } from '../../ops/compose.js';
import { followContainers } from './compose-logs.js';
import { stopAll } from './compose-lifecycle.js';
import { composeAction } from '../compose-exit.js';
import { waitReady } from '../../ops/compose-wait.js';
import { composeBuildProgress } from './compose-build.js';

export default async function composeUp(ctx: CommandContext): Promise<number> {
  const project = await composeProject(ctx);
  const services = (ctx.args[0] as string[] | undefined) ?? [];
  const dryRun = ctx.opts.dryRun === true;
  const waitTimeoutMs = ctx.opts.waitTimeout === undefined ? undefined : Number(ctx.opts.waitTimeout) * 1000;
  const out = await composeAction(() =>
    up(
      ctx.host,
      {
        project,
        services,
        removeOrphans: ctx.opts.removeOrphans === true,
        forceRecreate: ctx.opts.forceRecreate === true,
        noDeps: ctx.opts.deps === false,
        ephemeral: ephemeralRange(),
      },
      {
        dryRun,
        done: (line) => ctx.stdout.write(`${line}\n`),
        ...(waitTimeoutMs ? { waitTimeoutMs } : {}),
        ...(ctx.opts.build ? { build: true } : {}),
        buildOptions: composeBuildProgress(ctx, false),
      },
    ),
  );
  if (dryRun) {
    writeDryRun(ctx, changes(out.actions) ? '' : 'nothing to change\n', out.actions, out.plan);
    return 0;
  }
  // --wait implies -d, as in compose.
  if (ctx.opts.wait) await waitReady(ctx.host, project, services, waitTimeoutMs);
  if (ctx.opts.detach || ctx.opts.wait) return 0;
  const containers = await serviceContainers(ctx.host, project.name, project, services);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await followContainers(ctx, containers, { signal: stop.signal, untilExited: true });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (stop.signal.aborted) {
    ctx.stderr.write('stopping...\n');
    await stopAll(ctx, [...containers].reverse());
    return 130;
  }
  return 0;
}
