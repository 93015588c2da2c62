/**
 * `netctl image ls [--json]`: stored images, one line per name (untagged ones as <none>).
 */
import type { CommandContext } from '../context.js';
import { imageIds, imageIndex, readImage } from '../../runtime/image-store.js';

/** One row of `image ls`. */
interface ImageRow {
  repository: string;
  tag: string;
  id: string;
  created: string;
  source: string;
}

function table(rows: ImageRow[]): string {
  const head = ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED'];
  const cells = rows.map((r) => [r.repository, r.tag, r.id.slice(0, 12), r.created.replace('T', ' ').slice(0, 19)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return `${[head, ...cells].map((c) => c.map((v, i) => (i < c.length - 1 ? v.padEnd(widths[i]! + 3) : v)).join('')).join('\n')}\n`;
}

export default async function imageLs(ctx: CommandContext): Promise<void> {
  const tags = Object.entries(await imageIndex(ctx.global).all());
  const rows: ImageRow[] = [];
  for (const id of await imageIds(ctx.global)) {
    const rec = await readImage(ctx.global, id).catch(() => null);
    if (!rec) continue;
    const names = tags.filter(([, v]) => v === id).map(([k]) => k);
    for (const n of names.length ? names : ['<none>:<none>']) {
      const colon = n.lastIndexOf(':');
      rows.push({
        repository: n.slice(0, colon),
        tag: n.slice(colon + 1),
        id,
        created: rec.created,
        source: rec.source,
      });
    }
  }
  rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
  ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
}
