/**
 * `netctl compose logs [-f] [--tail N] [SERVICE...]`: each container's output, every line
 * prefixed with its name, as compose prints them.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { type Container, serviceContainers } from '../../ops/compose.js';
import { containerLogs, type FollowLogsOptions, followContainerLogs, type LogPiece } from '../../ops/compose-logs.js';

function printer(ctx: CommandContext, containers: readonly Container[]): (c: Container, piece: LogPiece) => void {
  const width = Math.max(0, ...containers.map((c) => c.name.length));
  return (c, { stream, text }) => {
    const prefix = `${c.name.padEnd(width)} | `;
    (stream === 'stderr' ? ctx.stderr : ctx.stdout).write(
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
  opts: FollowLogsOptions,
): Promise<void> {
  await followContainerLogs(ctx.host, containers, opts, printer(ctx, containers));
}

export default async function composeLogs(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const containers = await serviceContainers(ctx.host, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  // Following may last for hours: the database and netlink are not held meanwhile.
  ctx.host.close();
  const tail = ctx.opts.tail as number | undefined;
  if (ctx.opts.follow) {
    await followContainers(ctx, containers, tail === undefined ? {} : { tail });
    return;
  }
  const print = printer(ctx, containers);
  for (const c of containers) for (const piece of await containerLogs(ctx.host, c, tail)) print(c, piece);
}
