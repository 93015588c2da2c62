/** `netctl kill [-s SIG] [--dry-run] NAME...`: sends SIG (default SIGKILL) to each container's process. */
import type { CommandContext } from '../context.js';
import { killContainer } from '../../ops/container-control.js';
import { parseSignal } from '../../model/process-options.js';
import { eachContainer } from '../each-container.js';

export default async function kill(ctx: CommandContext): Promise<void> {
  const sig = String(ctx.opts.signal ?? 'KILL');
  parseSignal('--signal', sig); // a bad signal is one line before any container is touched
  await eachContainer(ctx, 'kill container', (ref, dryRun) => killContainer(ctx.host, ref, sig, dryRun));
}
