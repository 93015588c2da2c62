/**
 * `netctl stop [-t S] [--dry-run] NAME...`: SIGTERM, then SIGKILL after S seconds; with
 * `--dry-run`, the signals it would send, and nothing sent.
 */
import type { CommandContext } from '../context.js';
import { planStopContainer, type StopPlan, stopContainer } from '../../ops/container.js';
import { ErrorList } from '../../errors.js';

/** A stop plan as `stop --dry-run` prints it: the container's name, then each step. */
export function stopPlanText(p: StopPlan): string {
  return `${p.container.name}: ${(p.plan.notes ?? []).join('\n  ')}\n`;
}

export default async function stop(ctx: CommandContext): Promise<void> {
  const errors = new ErrorList();
  // Without -t: each container's own --stop-timeout, else 10 s.
  const grace = ctx.opts.time === undefined ? undefined : Number(ctx.opts.time) * 1000;
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt('stop container', ref, async () => {
      if (ctx.opts.dryRun === true) {
        ctx.stdout.write(stopPlanText(await planStopContainer(ctx.host, ref, grace)));
        return;
      }
      const c = await stopContainer(ctx.host, ref, grace);
      ctx.stdout.write(`${c.name}\n`);
    });
  }
  errors.throwIfAny();
}
