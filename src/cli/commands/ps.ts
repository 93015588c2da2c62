/**
 * `netctl ps [-a] [-q] [-l] [-n N] [--filter K=V]... [--format TPL] [--no-trunc] [--json]`:
 * containers with their state (read from their monitors), addresses and published ports.
 */
import type { CommandContext } from '../context.js';
import { type PsRow, psRows } from '../../ops/read.js';
import { matchesPsFilters, parsePsFilters, wantsStopped } from '../../model/ps-filter.js';
import { table } from '../format/table.js';
import { dockerStatus, renderPs } from '../format/ps-format.js';

/** The rows `ps` lists with its options: filtered, newest first, the last N. */
export async function selectRows(ctx: CommandContext): Promise<PsRow[]> {
  const o = ctx.opts;
  const filters = parsePsFilters((o.filter as string[] | undefined) ?? []);
  const last = o.latest ? 1 : o.last === undefined ? undefined : Number(o.last);
  const all = Boolean(o.all) || last !== undefined || wantsStopped(filters);
  const rows = (await psRows(ctx.host, { all })).filter((r) => matchesPsFilters(r, filters));
  if (last === undefined || last < 0) return rows;
  // -l/-n: the newest first, as Docker lists them.
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, last);
}

export default async function ps(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const rows = await selectRows(ctx);
  const noTrunc = o.trunc === false; // commander: --no-trunc sets trunc=false
  if (o.json) ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (o.quiet) ctx.stdout.write(rows.map((r) => `${noTrunc ? r.id : r.id.slice(0, 12)}\n`).join(''));
  else if (o.format) ctx.stdout.write(renderPs(rows, o.format as string, noTrunc));
  else
    ctx.stdout.write(
      table(
        ['CONTAINER ID', 'NAME', 'IMAGE', 'STATUS', 'ADDRESS', 'PORTS'],
        rows.map((r) => [
          noTrunc ? r.id : r.id.slice(0, 12),
          r.name,
          r.image,
          // Issue 25: Docker's wording ("Up 3 minutes (healthy)"); --json keeps the state word.
          dockerStatus(r),
          r.addresses.join(','),
          r.ports.join(', '),
        ]),
      ),
    );
}
