/**
 * `netctl demo`: the guided walkthrough, inside a sandbox.
 */
import type { CommandContext } from '../context.js';
import { SCRIPT } from '../../demo/script.js';
import { runScript } from '../../demo/run.js';
import { NETCTL } from '../../sys/sandbox-client.js';
import { SystemError } from '../../errors.js';

export default async function demo(ctx: CommandContext): Promise<number> {
  if (process.getuid?.() !== 0)
    throw new SystemError('demo: needs root (it creates namespaces)', { hint: 'run it with sudo' });
  ctx.stdout.write('netctl demo: everything below runs in a throwaway sandbox host; this machine is not changed.\n');
  const results = await runScript(SCRIPT, ctx.stdout, NETCTL);
  const failed = results.filter((r) => !r.ok);
  ctx.stdout.write(`\nSummary: ${results.length - failed.length} of ${results.length} steps behaved as expected.\n`);
  for (const f of failed) ctx.stdout.write(`  ✗ ${f.step.title}: ${f.why}\n`);
  return failed.length === 0 ? 0 : 1;
}
