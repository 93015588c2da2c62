/**
 * `netctl ps [-a] [--json]`: containers with their state (read from their monitors),
 * addresses and published ports.
 */
import type { CommandContext } from '../context.js';
import { type PsRow, psRows } from '../../ops/read.js';
import { table } from '../format/table.js';
import { healthSuffix } from '../../model/health-state.js';

export default async function ps(ctx: CommandContext): Promise<void> {
  const rows = await psRows(ctx.host, { all: Boolean(ctx.opts.all) });
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const status = (r: PsRow): string =>
    r.status === 'exited'
      ? `exited (${r.exitCode ?? '?'})${r.oomKilled ? ' oom-killed' : ''}`
      : `${r.status}${healthSuffix(r.health)}`;
  ctx.stdout.write(
    table(
      ['CONTAINER ID', 'NAME', 'IMAGE', 'STATUS', 'ADDRESS', 'PORTS'],
      rows.map((r) => [r.id.slice(0, 12), r.name, r.image, status(r), r.addresses.join(','), r.ports.join(', ')]),
    ),
  );
}
