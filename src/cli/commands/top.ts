/** `netctl top [--json] NAME`: the processes of a running container, from its cgroup. */
import type { CommandContext } from '../context.js';
import { type ProcessInfo, topContainer } from '../../ops/container-control.js';
import { table } from '../format/table.js';

function time(s: number): string {
  const t = Math.floor(s);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(t / 3600))}:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}`;
}

/** The rows of `top`, as `ps -ef` prints them. */
export function topTable(ps: readonly ProcessInfo[]): string {
  return table(
    ['UID', 'PID', 'PPID', 'STAT', 'STIME', 'TIME', 'CMD'],
    ps.map((p) => [
      String(p.uid),
      String(p.pid),
      String(p.ppid),
      p.state,
      new Date(p.startedAt).toISOString().slice(11, 16),
      time(p.cpuSeconds),
      p.cmd,
    ]),
  );
}

export default async function top(ctx: CommandContext): Promise<void> {
  const { processes } = await topContainer(ctx.host, ctx.args[0] as string);
  ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(processes, null, 2)}\n` : topTable(processes));
}
