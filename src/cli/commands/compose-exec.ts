/**
 * `netctl compose exec [-d] [-T] [-u U] [-w D] [-e K=V] [--index N] SERVICE CMD...`: a
 * command in the service's running container, as `netctl exec` runs it; a terminal by
 * default when this one is a terminal (`-T`: none), as compose does.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { composeAction } from '../compose-exit.js';
import { serviceContainers } from '../../ops/compose.js';
import { serviceContainer } from '../../ops/compose-oneoff.js';
import { execInContainer } from '../../ops/container.js';
import { UsageError } from '../../errors.js';

export default async function composeExec(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  const service = ctx.args[0] as string;
  const { name, project } = await composeName(ctx);
  const containers = await serviceContainers(ctx.host, name, project, [service]);
  const c = serviceContainer(containers, service, o.index === undefined ? 1 : Number(o.index));
  if (o.workdir !== undefined && !String(o.workdir).startsWith('/'))
    throw new UsageError(`invalid --workdir "${o.workdir}": must be an absolute path`);
  const tty = !o.detach && o.TTY !== false && Boolean(process.stdin.isTTY);
  return composeAction(() =>
    execInContainer(ctx.host, c.id, ctx.args[1] as string[], {
      env: (o.env as string[] | undefined) ?? [],
      tty,
      interactive: !o.detach,
      ...(o.user ? { user: String(o.user) } : {}),
      ...(o.workdir ? { cwd: String(o.workdir) } : {}),
      detach: Boolean(o.detach),
    }),
  );
}
