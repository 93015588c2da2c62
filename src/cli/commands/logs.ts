/**
 * `netctl logs [-f] [--tail N] NAME`.
 */
import type { CommandContext } from '../context.js';
import { containerLogs, entryText, type LogEntry } from '../../ops/container.js';

export default async function logs(ctx: CommandContext): Promise<void> {
  const write = (e: LogEntry): void => void (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e));
  await containerLogs(
    ctx.host,
    ctx.args[0] as string,
    { follow: Boolean(ctx.opts.follow), ...(ctx.opts.tail === undefined ? {} : { tail: ctx.opts.tail as number }) },
    write,
  );
}
