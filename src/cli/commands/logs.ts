/**
 * `netctl logs [-f] [--tail N] [-t] [--since T] [--until T] NAME`: each entry's time is the
 * one the monitor read it at (its log record's `t`).
 */
import type { CommandContext } from '../context.js';
import { containerLogs, entryText, type LogEntry } from '../../ops/container.js';
import { parseTimeSpec } from '../../model/time-spec.js';

export default async function logs(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const since = o.since === undefined ? -Infinity : parseTimeSpec('--since', String(o.since));
  const until = o.until === undefined ? Infinity : parseTimeSpec('--until', String(o.until));
  let lineStart = true;
  const write = (e: LogEntry): void => {
    const t = Date.parse(e.t);
    if (t < since || t > until) return;
    // A partial entry continues a line: its time was printed with the line's first piece.
    const stamp = o.timestamps && lineStart ? `${e.t} ` : '';
    lineStart = !e.p;
    (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(stamp + entryText(e));
  };
  await containerLogs(
    ctx.host,
    ctx.args[0] as string,
    { follow: Boolean(o.follow), ...(o.tail === undefined ? {} : { tail: o.tail as number }) },
    write,
  );
}
