/**
 * `netctl compose [-f FILE]... [-p NAME] up [-d] [--remove-orphans] [--dry-run] [SERVICE...]`:
 * the plan (what differs from what runs), then each action through the engine. Without
 * `-d` it follows the services' output, and Ctrl-C stops them, as compose does.
 */
import type { CommandContext } from '../context.js';
import { composeProject, ephemeralRange, rootsOf, serviceContainers } from '../compose-context.js';
import { checkServices, prepare } from '../../compose/prepare.js';
import { observe } from '../../compose/observe.js';
import { changes, describeAction, planUp } from '../../compose/plan.js';
import { applyPlan } from '../../compose/apply.js';
import { followContainers } from './compose-logs.js';
import { stopContainers } from './compose-lifecycle.js';

export default async function composeUp(ctx: CommandContext): Promise<number> {
  const p = await composeProject(ctx);
  const names = (ctx.args[0] as string[] | undefined) ?? [];
  checkServices(p, names);
  const _roots = rootsOf(ctx);
  const engine = await ctx.host.engine();
  try {
    const prepared = await prepare(engine, p, ephemeralRange());
    const plan = planUp(prepared.desired, await observe(engine, p.name), {
      services: names,
      removeOrphans: ctx.opts.removeOrphans === true,
    });
    if (ctx.opts.dryRun) {
      const lines = plan.map(describeAction);
      ctx.stdout.write(`${changes(plan) ? '' : 'nothing to change\n'}${lines.join('\n')}${lines.length ? '\n' : ''}`);
      return 0;
    }
    await applyPlan(engine, plan, prepared, (line) => ctx.stdout.write(`${line}\n`));
    if (ctx.opts.detach) return 0;
    const containers = serviceContainers(engine, p.name, p, names);
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
      await stopContainers(ctx, engine.store, [...containers].reverse(), 10_000);
      return 130;
    }
    return 0;
  } finally {
    engine.close();
  }
}
