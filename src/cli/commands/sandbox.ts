/**
 * `netctl sandbox [--wan] [--lan] [--] CMD...`: run a command in a throwaway host.
 */
import { spawn } from 'node:child_process';
import type { CommandContext } from '../context.js';
import { sandboxArgv } from '../../sys/sandbox.js';
import { SystemError } from '../../errors.js';

export default async function sandbox(ctx: CommandContext): Promise<number> {
  if (process.getuid?.() !== 0)
    throw new SystemError('sandbox: needs root (it creates namespaces)', { hint: 'run it with sudo' });
  const command = (ctx.args[0] as string[] | undefined) ?? [];
  const argv = sandboxArgv({ wan: Boolean(ctx.opts.wan), lan: Boolean(ctx.opts.lan) }, command);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`sandbox: cannot run unshare: ${e.message}`)));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
