/**
 * `builder prune`: the build cache's step images that nothing else holds (untagged, no
 * container made from them) removed with their entries, then the layers no image uses; with
 * `all`, every entry is forgotten too (tagged images stay images). Entries whose image is gone
 * are always dropped.
 */
import { hasImage, imageIndex, removeImage } from '../runtime/image-store.js';
import { collectLayers } from './image-space.js';
import { sweepBuildContainers } from './build-sweep.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';

/** What a prune removed (or would). */
export interface BuilderPruneResult {
  entries: number;
  images: string[];
  layers: string[];
  reclaimed: number;
}

/**
 * The build cache's entries, and whether an image is held only by it: untagged, and no
 * container made from it (`builder prune` removes those; `system df` counts them).
 */
export async function buildCacheHold(host: Host) {
  const entries = host.store().buildCache.list();
  const tagged = new Set(Object.values(await imageIndex(host.paths).all()));
  const used = new Set(
    host
      .store()
      .containers.list({ all: true })
      .map((c) => (c.config as { imageId?: string }).imageId),
  );
  return { entries, cacheOnly: (id: string): boolean => !tagged.has(id) && !used.has(id) };
}

async function decide(host: Host, all: boolean) {
  const { entries, cacheOnly } = await buildCacheHold(host);
  const images = new Set<string>();
  const forget: string[] = [];
  for (const e of entries) {
    const free = cacheOnly(e.imageId);
    if (free && (await hasImage(host.paths, e.imageId))) images.add(e.imageId);
    if (free || all || !(await hasImage(host.paths, e.imageId))) forget.push(e.key);
  }
  return { images: [...images], forget };
}

/** Removes the build cache (see the module comment). */
export async function pruneBuilder(host: Host, all: boolean): Promise<BuilderPruneResult> {
  await sweepBuildContainers(host);
  const d = await decide(host, all);
  host.store().buildCache.delete(d.forget);
  for (const id of d.images) await removeImage(host.paths, id).catch(() => undefined);
  const g = await collectLayers(host);
  return { entries: d.forget.length, images: d.images, layers: g.removed, reclaimed: g.bytes };
}

/** What `pruneBuilder` would remove, nothing removed. */
export async function planPruneBuilder(host: Host, all: boolean): Promise<ChangePlan & { images: string[] }> {
  const d = await decide(host, all);
  const notes = [
    `forget ${d.forget.length} build cache entries`,
    ...d.images.map((id) => `delete image sha256:${id}`),
    'delete the layers no image uses any more',
  ];
  return { operations: [], rules: '', notes, images: d.images };
}
