/**
 * `netctl network disconnect NETWORK CONTAINER`.
 */
import type { CommandContext } from '../context.js';
import { disconnectNetwork } from '../../ops/network.js';
import { formatPlan } from '../format/plan.js';

export default async function networkDisconnect(ctx: CommandContext): Promise<void> {
  const [network, container] = ctx.args as [string, string];
  const dryRun = Boolean(ctx.opts.dryRun);
  const { plan } = await disconnectNetwork(ctx.host, network, container, { dryRun });
  if (dryRun) ctx.stdout.write(ctx.opts.json ? `${JSON.stringify({ plan }, null, 2)}\n` : formatPlan(plan));
  else if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ network, container })}\n`);
}
