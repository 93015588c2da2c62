/**
 * What `doctor` finds wrong in the image store: an image whose layer directory is gone (it
 * cannot run), and layers no image lists and no running command has pinned (disk nothing
 * uses). Reads only.
 */
import type { Finding } from '../engine/doctor.js';
import { imageIndex } from '../runtime/image-store.js';
import { pinnedIds } from '../runtime/layer-pins.js';
import { hasLayer, layerIds } from '../runtime/layer-store.js';
import type { Host } from './host.js';
import { allImages } from './image-space.js';

/** Findings about the image and layer store. */
export async function diagnoseImages(host: Host): Promise<Finding[]> {
  const out: Finding[] = [];
  const images = await allImages(host);
  const tags = Object.entries(await imageIndex(host.paths).all());
  for (const rec of images) {
    const name = tags.find(([, id]) => id === rec.id)?.[0];
    for (const l of rec.layers ?? []) {
      if (await hasLayer(host.paths, l)) continue;
      out.push({
        area: 'images',
        problem: `image ${name ?? `sha256:${rec.id.slice(0, 12)}`}: layer ${l} is missing from the layer store`,
        fix: name ? `netctl image rm ${name}, then pull or load it again` : `netctl image rm ${rec.id.slice(0, 12)}`,
      });
    }
  }
  const used = new Set(images.flatMap((r) => r.layers ?? []));
  const pinned = await pinnedIds(host.paths);
  const orphans = (await layerIds(host.paths)).filter((l) => !used.has(l) && !pinned.has(l));
  if (orphans.length)
    out.push({
      area: 'images',
      problem: `${orphans.length} stored layer(s) no image uses: ${orphans.map((l) => l.slice(7, 19)).join(', ')}`,
      fix: 'netctl image prune',
    });
  return out;
}
