/**
 * `netctl exec [-i] [-t] [-d] [-e K=V] [--env-file F] [-u USER] [-w DIR] NAME CMD...`: runs
 * a command in a running container's namespaces and exits with its exit code (-d: at once).
 */
import type { CommandContext } from '../context.js';
import { execInContainer } from '../../ops/container.js';
import { UsageError } from '../../errors.js';
import { readEnvFile } from '../run-process.js';

export default async function exec(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  if (o.tty && !o.detach && !process.stdin.isTTY)
    throw new UsageError('-t: the input device is not a TTY', 'leave out -t, or run from a terminal');
  if (o.workdir !== undefined && !String(o.workdir).startsWith('/'))
    throw new UsageError(`invalid --workdir "${o.workdir}": must be an absolute path`);
  const env = [
    ...((o.envFile as string[] | undefined) ?? []).flatMap((f) => readEnvFile(f)),
    ...((o.env as string[] | undefined) ?? []),
  ];
  const code = await execInContainer(ctx.host, ctx.args[0] as string, ctx.args[1] as string[], {
    env,
    tty: Boolean(o.tty),
    interactive: Boolean(o.interactive),
    ...(o.user ? { user: String(o.user) } : {}),
    ...(o.workdir ? { cwd: String(o.workdir) } : {}),
    detach: Boolean(o.detach),
  });
  return code;
}
