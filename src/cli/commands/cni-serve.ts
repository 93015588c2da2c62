/**
 * `netctl cni serve [--socket PATH]`: runs until SIGTERM or SIGINT, answering the CNI calls
 * that the installed plugin's shim forwards (cni/serve.ts), so that a runtime's ADD and DEL
 * do not start node. Default socket RUN_ROOT/cni.sock; root only (mode 0600).
 */
import type { CommandContext } from '../context.js';
import { handle } from '../../cni/body.js';
import { cniSocketPath } from '../../cni/install-plan.js';
import { serveCni } from '../../cni/serve.js';

export default async function cniServe(ctx: CommandContext): Promise<void> {
  const socket = (ctx.opts.socket as string | undefined) ?? cniSocketPath(ctx.global.runRoot);
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  try {
    await serveCni({ socket, handle, log: (line) => void ctx.stdout.write(`${line}\n`) }, stop.signal);
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
  }
}
