/**
 * `netctl compose logs [-f] [--tail N] [SERVICE...]`: each container's output, every line
 * prefixed with its name, as compose prints them.
 */
import type { CommandContext } from '../context.js';
import type { Container } from '../../model/container.js';
import { composeName, rootsOf, serviceContainers } from '../compose-context.js';
import { containerPaths } from '../../runtime/paths.js';
import { entryText, followLogs, readLogs, type LogEntry } from '../../runtime/logs.js';
import { liveStatus, readState } from '../../runtime/state.js';

function printer(ctx: CommandContext, containers: readonly Container[]): (c: Container) => (e: LogEntry) => void {
  const width = Math.max(0, ...containers.map((c) => c.name.length));
  return (c) => (e) => {
    const text = entryText(e);
    const prefix = `${c.name.padEnd(width)} | `;
    (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(
      text
        .split('\n')
        .map((l, i, all) => (i === all.length - 1 && l === '' ? '' : prefix + l))
        .join('\n'),
    );
  };
}

/** Follows every container's log until `signal` (or, with `untilExited`, until all have exited). */
export async function followContainers(
  ctx: CommandContext,
  containers: readonly Container[],
  opts: { signal?: AbortSignal; untilExited?: boolean; tail?: number },
): Promise<void> {
  const print = printer(ctx, containers);
  const roots = rootsOf(ctx);
  await Promise.all(
    containers.map((c) => {
      const p = containerPaths(roots, c.id);
      const done = async (): Promise<boolean> => {
        if (!opts.untilExited) return false;
        const st = await readState(p.state);
        return st !== null && ['exited', 'dead'].includes(liveStatus(st));
      };
      return followLogs(
        p.log,
        {
          done,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
          intervalMs: 100,
        },
        print(c),
      );
    }),
  );
}

export default async function composeLogs(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const engine = await ctx.host.engine();
  let containers: Container[];
  try {
    containers = serviceContainers(engine, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  } finally {
    engine.close();
  }
  const tail = ctx.opts.tail as number | undefined;
  if (ctx.opts.follow) {
    await followContainers(ctx, containers, tail === undefined ? {} : { tail });
    return;
  }
  const print = printer(ctx, containers);
  for (const c of containers)
    for (const e of await readLogs(containerPaths(rootsOf(ctx), c.id).log, tail === undefined ? {} : { tail }))
      print(c)(e);
}
