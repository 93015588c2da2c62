/**
 * `netctl compose run [-d] [--rm] [-e K=V] [--name N] [--service-ports] [--no-deps] [-T]
 * [-u U] [-w D] SERVICE [CMD...]`: a one-off container of the service (ops/compose-oneoff.ts);
 * exits with its exit code, or 1 when it could not be run.
 */
import type { CommandContext } from '../context.js';
import { composeProject, ephemeralRange } from '../compose-context.js';
import { composeAction } from '../compose-exit.js';
import { composeRunOneOff } from '../../ops/compose-oneoff.js';
import { entryText } from '../../ops/run.js';
import { parseUser } from '../../model/process-options.js';
import { UsageError } from '../../errors.js';
import { NETCTL } from '../../sys/sandbox-client.js';

export default async function composeRun(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  const project = await composeProject(ctx);
  const user = o.user === undefined ? undefined : parseUser(String(o.user));
  if (user?.byName) throw new UsageError(`compose run -u "${o.user}": give UID[:GID]`);
  if (o.workdir !== undefined && !String(o.workdir).startsWith('/'))
    throw new UsageError(`invalid --workdir "${o.workdir}": must be an absolute path`);
  const tty = !o.detach && o.TTY !== false && Boolean(process.stdin.isTTY);
  const r = await composeAction(() =>
    composeRunOneOff(
      ctx.host,
      project,
      ctx.args[0] as string,
      {
        command: (ctx.args[1] as string[] | undefined) ?? [],
        env: (o.env as string[] | undefined) ?? [],
        ...(o.name ? { name: String(o.name) } : {}),
        rm: Boolean(o.rm),
        detach: Boolean(o.detach),
        servicePorts: Boolean(o.servicePorts),
        noDeps: o.deps === false,
        tty,
        interactive: tty,
        ...(user ? { user: { uid: user.uid, gid: user.gid } } : {}),
        ...(o.workdir ? { workdir: String(o.workdir) } : {}),
        ephemeral: ephemeralRange(),
        // Issue 25: -d --rm, as `run -d --rm`: the monitor removes it (and its anonymous volumes).
        cleanup: [
          process.execPath,
          NETCTL,
          '--root',
          ctx.global.root,
          '--run-root',
          ctx.global.runRoot,
          'rm',
          '-f',
          '-v',
        ],
      },
      { output: (e) => (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e)) },
    ),
  );
  if (o.detach) ctx.stdout.write(`${r.id}\n`);
  return r.exitCode;
}
