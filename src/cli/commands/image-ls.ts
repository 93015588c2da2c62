/**
 * `netctl image ls [--json]`: stored images, one line per name (untagged ones as <none>).
 */
import type { CommandContext } from '../context.js';
import { type ImageRow, listImages } from '../../ops/image.js';
import { humanBytes } from '../format/pull-progress.js';

function table(rows: ImageRow[]): string {
  const head = ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED'];
  const cells = rows.map((r) => [
    r.repository,
    r.tag,
    r.id.slice(0, 12),
    r.created.replace('T', ' ').slice(0, 19),
    humanBytes(r.size),
    r.sharedLayers ? `${r.sharedLayers}/${r.layers} layers` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return `${[head, ...cells].map((c) => c.map((v, i) => (i < c.length - 1 ? v.padEnd(widths[i]! + 3) : v)).join('')).join('\n')}\n`;
}

export default async function imageLs(ctx: CommandContext): Promise<void> {
  const rows = await listImages(ctx.host);
  ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
}
