/**
 * `netctl stop [-t S] NAME...`: SIGTERM, then SIGKILL after S seconds.
 */
import type { CommandContext } from '../context.js';
import { stopContainer } from '../../ops/container.js';
import { ErrorList } from '../../errors.js';

export default async function stop(ctx: CommandContext): Promise<void> {
  const errors = new ErrorList();
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt('stop container', ref, async () => {
      const c = await stopContainer(ctx.host, ref, Number(ctx.opts.time ?? 10) * 1000);
      ctx.stdout.write(`${c.name}\n`);
    });
  }
  errors.throwIfAny();
}
