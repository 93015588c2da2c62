/**
 * `netctl start NAME...`: starts stopped containers again (their network is rebuilt first
 * if it is gone); every name is tried, failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { startContainer } from '../../engine/lifecycle.js';
import { ErrorList } from '../../errors.js';

/** Starts each container (after `before`, for restart), printing its name. */
export async function startEach(
  ctx: CommandContext,
  verb: string,
  before?: (ref: string) => Promise<void>,
): Promise<void> {
  const engine = await ctx.host.engine();
  const _roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  const errors = new ErrorList();
  try {
    for (const ref of ctx.args[0] as string[]) {
      await errors.attempt(verb, ref, async () => {
        const dryRun = ctx.opts.dryRun === true;
        if (!dryRun) await before?.(ref);
        const r = await startContainer(engine, ref, { dryRun });
        ctx.stdout.write(
          dryRun
            ? `${r.container.name}: ${r.plan.length ? r.plan.join('\n  ') : 'already running'}\n`
            : `${r.container.name}\n`,
        );
      });
    }
  } finally {
    engine.close();
  }
  errors.throwIfAny();
}

export default async function start(ctx: CommandContext): Promise<void> {
  await startEach(ctx, 'start container');
}
