/**
 * `netctl rm [-f] NAME...`: every name is tried; failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { removeContainer } from '../../engine/containers.js';
import { ErrorList } from '../../errors.js';

export default async function rm(ctx: CommandContext): Promise<void> {
  const engine = await ctx.host.engine();
  const _roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  const errors = new ErrorList();
  try {
    for (const ref of ctx.args[0] as string[]) {
      await errors.attempt('remove container', ref, async () => {
        const c = await removeContainer(engine, ref, Boolean(ctx.opts.force));
        ctx.stdout.write(`${c.name}\n`);
      });
    }
  } finally {
    engine.close();
  }
  errors.throwIfAny();
}
