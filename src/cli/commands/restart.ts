/**
 * `netctl restart [-t S] NAME...`: stop (SIGTERM, SIGKILL after S seconds), then start.
 */
import type { CommandContext } from '../context.js';
import { restartContainer } from '../../ops/container.js';
import { startEach } from './start.js';

export default async function restart(ctx: CommandContext): Promise<void> {
  const grace = Number(ctx.opts.time ?? 10) * 1000;
  await startEach(ctx, 'restart container', (ref, dryRun) => restartContainer(ctx.host, ref, grace, { dryRun }));
}
