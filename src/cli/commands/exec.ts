/**
 * `netctl exec [-i] [-t] [-e K=V] NAME CMD...`: runs a command in a running container's namespaces
 * and exits with its exit code.
 */
import type { CommandContext } from '../context.js';
import { execInContainer } from '../../ops/container.js';
import { UsageError } from '../../errors.js';

export default async function exec(ctx: CommandContext): Promise<number> {
  if (ctx.opts.tty && !process.stdin.isTTY)
    throw new UsageError('-t: the input device is not a TTY', 'leave out -t, or run from a terminal');
  return execInContainer(ctx.host, ctx.args[0] as string, ctx.args[1] as string[], {
    env: (ctx.opts.env as string[] | undefined) ?? [],
    tty: Boolean(ctx.opts.tty),
    interactive: Boolean(ctx.opts.interactive),
  });
}
