/**
 * `netctl attach [--no-stdin] [--detach-keys KEYS] NAME`: this terminal joined to a running
 * container's input and output; Ctrl-P Ctrl-Q (or KEYS) detaches and leaves it running.
 * Exits with the container's exit code when it ends.
 */
import type { CommandContext } from '../context.js';
import { attachContainer } from '../../ops/attach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../model/detach-keys.js';

/** The io of an attachment from the command's options. */
export function attachIo(ctx: CommandContext, withStdin: boolean) {
  const keys = parseDetachKeys(String(ctx.opts.detachKeys ?? DEFAULT_DETACH_KEYS));
  return { stdout: ctx.stdout, stderr: ctx.stderr, keys, ...(withStdin ? { stdin: process.stdin } : {}) };
}

export default async function attach(ctx: CommandContext): Promise<number> {
  // commander's --no-stdin sets stdin false.
  const io = attachIo(ctx, ctx.opts.stdin !== false);
  const r = await attachContainer(ctx.host, ctx.args[0] as string, io);
  // The terminal has its own mode back (output processing on): a bare LF starts a line.
  if (r.end === 'detached') ctx.stderr.write('\nread escape sequence\n');
  return r.exitCode;
}
