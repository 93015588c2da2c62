/**
 * `netctl network connect [--ip IP] [--alias A]... NETWORK CONTAINER`.
 */
import type { CommandContext } from '../context.js';
import { connectNetwork } from '../../ops/network.js';
import { formatPlan } from '../format/plan.js';

export default async function networkConnect(ctx: CommandContext): Promise<void> {
  const [network, container] = ctx.args as [string, string];
  const dryRun = Boolean(ctx.opts.dryRun);
  const req = {
    network,
    container,
    aliases: (ctx.opts.alias as string[] | undefined) ?? [],
    ...(ctx.opts.ip === undefined ? {} : { ip: ctx.opts.ip as string }),
  };
  const { plan, result: endpoint } = await connectNetwork(ctx.host, req, { dryRun });
  if (dryRun) ctx.stdout.write(ctx.opts.json ? `${JSON.stringify({ plan }, null, 2)}\n` : formatPlan(plan));
  else if (ctx.opts.json)
    ctx.stdout.write(
      `${JSON.stringify({ interface: endpoint!.ifname, address: endpoint!.address ?? null, aliases: endpoint!.aliases })}\n`,
    );
}
