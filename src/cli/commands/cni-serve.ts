/**
 * `netctl cni serve [--socket PATH]`: runs until SIGTERM or SIGINT, answering the CNI calls
 * that the installed plugin's shim forwards (cni/serve.ts), so that a runtime's ADD and DEL
 * do not start node. Default socket RUN_ROOT/cni.sock; root only (mode 0600), or root and
 * --group (default `netctl` when the host has it), checked per connection with SO_PEERCRED.
 * It answers netctl's netavark plugin too (`netctl podman install`): a call whose environment
 * names a Podman command goes to the plugin's handler.
 */
import type { CommandContext } from '../context.js';
import { handle as cniHandle } from '../../cni/body.js';
import { handle as podmanHandle } from '../../podman/body.js';
import { forwardedArgv } from '../../podman/request.js';
import { cniSocketPath } from '../../cni/install-plan.js';
import { serveCni } from '../../cni/serve.js';
import { UsageError } from '../../errors.js';
import { groupId, peerOf } from '../../sys/peer-cred.js';
import { configureLog } from '../../sys/log.js';

const DEFAULT_GROUP = 'netctl';

/** The group besides root that may call: --group, else `netctl` when the host has that group. */
function serveGroup(given: string | undefined): number | undefined {
  if (given === undefined) return groupId(DEFAULT_GROUP);
  const gid = groupId(given);
  if (gid === undefined)
    throw new UsageError(`--group "${given}": no such group`, 'create it (groupadd) or give a gid');
  return gid;
}

/** One forwarded call: the netavark plugin's when its command is in the environment, else CNI's. */
function handle(env: Record<string, string | undefined>, stdin: string): ReturnType<typeof cniHandle> {
  const argv = forwardedArgv(env);
  return argv ? podmanHandle(argv, env, stdin) : cniHandle(env, stdin);
}

export default async function cniServe(ctx: CommandContext): Promise<void> {
  const socket = (ctx.opts.socket as string | undefined) ?? cniSocketPath(ctx.global.runRoot);
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  try {
    const log = configureLog({ level: ctx.global.logLevel, stream: ctx.stdout, fd: 1 }).sink();
    await serveCni(
      { socket, handle, log, peer: peerOf, group: serveGroup(ctx.opts.group as string | undefined) },
      stop.signal,
    );
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
  }
}
