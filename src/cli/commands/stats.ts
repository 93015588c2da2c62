/**
 * `netctl stats [-a] [--no-stream] [--json] [--format TPL] [NAME...]`: CPU %, memory, network
 * and block I/O and tasks per container, redrawn every second on a terminal (a new table per
 * second otherwise); `--no-stream` prints one batch and exits.
 */
import type { CommandContext } from '../context.js';
import { type StatsRow, statsOnce, statsStream } from '../../ops/stats.js';
import { table } from '../format/table.js';
import { UsageError } from '../../errors.js';

function units(n: number, base: 1000 | 1024): string {
  const names = base === 1024 ? ['B', 'KiB', 'MiB', 'GiB', 'TiB'] : ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= base && i < names.length - 1) {
    n /= base;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : 1).replace(/\.?0+$/, '')}${names[i]}`;
}

/** Docker's column values of a row, by the names its `--format` templates use. */
export function statsFields(r: StatsRow): Record<string, string> {
  return {
    ID: r.id.slice(0, 12),
    Container: r.name,
    Name: r.name,
    CPUPerc: `${r.cpuPercent.toFixed(2)}%`,
    MemUsage: `${units(r.memoryUsage, 1024)} / ${units(r.memoryLimit, 1024)}`,
    MemPerc: `${r.memoryPercent.toFixed(2)}%`,
    NetIO: `${units(r.netRx, 1000)} / ${units(r.netTx, 1000)}`,
    BlockIO: `${units(r.blockRead, 1000)} / ${units(r.blockWrite, 1000)}`,
    PIDs: String(r.pids),
  };
}

const HEADER: Record<string, string> = {
  ID: 'CONTAINER ID',
  Container: 'CONTAINER',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};
const COLUMNS = ['ID', 'Name', 'CPUPerc', 'MemUsage', 'MemPerc', 'NetIO', 'BlockIO', 'PIDs'];
const HEADERS = COLUMNS.map((c) => HEADER[c]!);

/** Renders rows with a `{{.Field}}` template (Docker's names), or the default table. */
export function renderStats(rows: readonly StatsRow[], format?: string): string {
  if (!format)
    return table(
      HEADERS,
      rows.map((r) => COLUMNS.map((c) => statsFields(r)[c]!)),
    );
  const tpl = format.replace(/^table\s+/, '').replace(/\\t/g, '\t');
  const fill = (f: Record<string, string> | null): string =>
    tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k: string) => {
      if (!(k in HEADER))
        throw new UsageError(`--format: unknown field ".${k}"`, `fields: ${Object.keys(HEADER).join(', ')}`);
      return f ? f[k]! : HEADER[k]!;
    });
  const lines = rows.map((r) => fill(statsFields(r)));
  return `${[...(format.startsWith('table') ? [fill(null)] : []), ...lines].join('\n')}\n`;
}

export default async function stats(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const names = (ctx.args[0] as string[] | undefined) ?? [];
  const so = { intervalMs: 1000, all: Boolean(o.all) };
  const render = (rows: StatsRow[]): string =>
    o.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStats(rows, o.format as string | undefined);
  if (o.stream === false) {
    ctx.stdout.write(render(await statsOnce(ctx.host, names, so)));
    return;
  }
  const tty = Boolean((ctx.stdout as NodeJS.WriteStream).isTTY) && !o.json;
  for await (const rows of statsStream(ctx.host, names, so)) {
    // On a terminal the screen is redrawn in place, as docker stats does.
    ctx.stdout.write(`${tty ? '\x1b[2J\x1b[H' : ''}${render(rows)}`);
  }
}
