/**
 * `netctl exec [-i] [-t] [-e K=V] NAME CMD...`: runs a command in a running container's namespaces
 * and exits with its exit code.
 */
import type { CommandContext } from '../context.js';
import { containerPaths } from '../../runtime/paths.js';
import { execAttached } from '../../runtime/launch.js';
import { liveStatus, readState } from '../../runtime/state.js';
import { ConflictError, UsageError } from '../../errors.js';

export default async function exec(ctx: CommandContext): Promise<number> {
  if (ctx.opts.tty && !process.stdin.isTTY)
    throw new UsageError('-t: the input device is not a TTY', 'leave out -t, or run from a terminal');
  const store = ctx.host.store();
  let id: string;
  let name: string;
  try {
    ({ id, name } = store.containers.require(ctx.args[0] as string));
  } finally {
    store.close();
  }
  const st = await readState(containerPaths({ root: ctx.global.root, runRoot: ctx.global.runRoot }, id).state);
  if (!st || liveStatus(st) !== 'running' || !st.pid) throw new ConflictError(`container "${name}" is not running`);
  return execAttached(st.pid, ctx.args[1] as string[], {
    env: (ctx.opts.env as string[] | undefined) ?? [],
    tty: Boolean(ctx.opts.tty),
    interactive: Boolean(ctx.opts.interactive),
  });
}
