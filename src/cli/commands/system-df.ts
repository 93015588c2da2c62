/**
 * `netctl system df [--json]`: disk used by images (shared layers counted once), layers,
 * containers and the build cache (its entries, and what `builder prune -a` would free).
 */
import type { CommandContext } from '../context.js';
import { humanBytes } from '../format/pull-progress.js';
import { diskUse } from '../../ops/image-space.js';
import { buildCacheUse } from '../../ops/build-leftovers.js';

export default async function systemDf(ctx: CommandContext): Promise<void> {
  const d = { ...(await diskUse(ctx.host)), buildCache: await buildCacheUse(ctx.host) };
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
  const bc = d.buildCache;
  const rows = [
    ['TYPE', 'TOTAL', 'SIZE', 'NOTE'],
    ['Images', String(d.images.count), humanBytes(d.images.bytes), `${d.images.unused} not used by a container`],
    ['Layers', String(d.layers.count), humanBytes(d.layers.bytes), `${d.layers.shared} shared by several images`],
    ['Containers', String(d.containers.count), '-', ''],
    [
      'Build cache',
      String(bc.entries),
      humanBytes(bc.reclaimable),
      `${bc.images} step images only the cache holds (builder prune)`,
    ],
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  ctx.stdout.write(
    `${rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(w[i]! + 3))
          .join('')
          .trimEnd(),
      )
      .join('\n')}\n`,
  );
}
