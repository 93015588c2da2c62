/** `netctl unpause [--dry-run] NAME...`: thaws paused containers. */
import type { CommandContext } from '../context.js';
import { unpauseContainer } from '../../ops/container-control.js';
import { eachContainer } from '../each-container.js';

export default async function unpause(ctx: CommandContext): Promise<void> {
  await eachContainer(ctx, 'unpause container', (ref, dryRun) => unpauseContainer(ctx.host, ref, dryRun));
}
