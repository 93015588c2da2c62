/**
 * `netctl rm [-f] NAME...`: every name is tried; failures are reported together.
 */
import type { CommandContext } from '../context.js';
import { removeContainer } from '../../ops/container.js';
import { ErrorList } from '../../errors.js';

export default async function rm(ctx: CommandContext): Promise<void> {
  const errors = new ErrorList();
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt('remove container', ref, async () => {
      const { result: c } = await removeContainer(ctx.host, ref, { force: Boolean(ctx.opts.force) });
      ctx.stdout.write(`${c!.name}\n`);
    });
  }
  errors.throwIfAny();
}
