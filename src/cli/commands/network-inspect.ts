/**
 * `netctl network inspect NAME...`: Docker-like JSON with IPAM config, options and containers.
 */
import type { CommandContext } from '../context.js';
import { inspectNetworks } from '../../ops/read.js';

export default async function networkInspect(ctx: CommandContext): Promise<void> {
  const views = await inspectNetworks(ctx.host, ctx.args[0] as string[]);
  ctx.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
}
