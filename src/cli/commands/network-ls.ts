/**
 * `netctl network ls [-q] [--json]`.
 */
import type { CommandContext } from '../context.js';
import { listNetworks } from '../../ops/read.js';
import { table } from '../format/table.js';

export default async function networkLs(ctx: CommandContext): Promise<void> {
  const nets = await listNetworks(ctx.host);
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(nets, null, 2)}\n`);
  } else if (ctx.opts.quiet) {
    ctx.stdout.write(nets.map((n) => `${n.name}\n`).join(''));
  } else {
    const rows = nets.map((n) => [
      n.id,
      n.name,
      n.driver,
      n.bridge,
      [n.subnet, n.subnet6].filter(Boolean).join(','),
      n.internal ? 'internal' : '',
      n.icc ? '' : 'icc=false',
    ]);
    ctx.stdout.write(table(['NETWORK ID', 'NAME', 'DRIVER', 'BRIDGE', 'SUBNET', 'SCOPE', 'OPTIONS'], rows));
  }
}
