/**
 * `netctl compose ps [-a] [--json] [SERVICE...]`: the project's containers with their
 * service, state and published ports.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { composePs as psRows, serviceContainers } from '../../ops/compose.js';
import { table } from '../format/table.js';

export default async function composePs(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const containers = await serviceContainers(ctx.host, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  const rows = await psRows(ctx.host, containers, ctx.opts.all === true);
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(
    table(
      ['NAME', 'SERVICE', 'IMAGE', 'STATUS', 'NETWORKS', 'PORTS'],
      rows.map((r) => [r.name, r.service, r.image, r.status, r.networks.join(','), r.ports.join(', ')]),
    ),
  );
}
