/** `netctl pause [--dry-run] NAME...`: freezes every process of each container (the cgroup freezer). */
import type { CommandContext } from '../context.js';
import { pauseContainer } from '../../ops/container-control.js';
import { eachContainer } from '../each-container.js';

export default async function pause(ctx: CommandContext): Promise<void> {
  await eachContainer(ctx, 'pause container', (ref, dryRun) => pauseContainer(ctx.host, ref, dryRun));
}
