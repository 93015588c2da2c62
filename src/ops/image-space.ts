/**
 * Disk use of images and the layers they share, and the removal of what nothing uses: an
 * image's size counts each of its layers; a total counts every stored layer once.
 */
import { readImage, imageIds, imageIndex, removeImage as removeFrom } from '../runtime/image-store.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { layerIds, readLayer, removeLayersExcept, sweepLayerTemps } from '../runtime/layer-store.js';
import { pinnedIds, withPinned } from '../runtime/layer-pins.js';
import type { ChangePlan } from './tx.js';
import { run } from '../sys/exec.js';
import { imagePaths } from '../runtime/paths.js';
import type { Host } from './host.js';

async function duBytes(path: string): Promise<number> {
  const r = await run(['du', '-sb', '--', path], { timeoutMs: 120_000 });
  return r.code === 0 ? Number(r.stdout.split('\t')[0]) || 0 : 0;
}

/** Bytes of each stored layer (file data), by diff id. */
export async function layerSizes(host: Host): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const id of await layerIds(host.paths))
    out.set(id, (await readLayer(host.paths, id).catch(() => null))?.bytes ?? 0);
  return out;
}

/** Bytes of an image: its layers', or its flattened rootfs's. */
export async function imageSize(host: Host, rec: ImageRecord, sizes: Map<string, number>): Promise<number> {
  if (rec.layers) return rec.layers.reduce((a, l) => a + (sizes.get(l) ?? 0), 0);
  return duBytes(imagePaths(host.paths, rec.id).rootfs);
}

/** Every stored image's record. */
export async function allImages(host: Host): Promise<ImageRecord[]> {
  const out: ImageRecord[] = [];
  for (const id of await imageIds(host.paths)) {
    const rec = await readImage(host.paths, id).catch(() => null);
    if (rec) out.push(rec);
  }
  return out;
}

/**
 * Deletes the layers no stored image lists and no running pull, load, push or save uses
 * (with DRY_RUN, only says which); what killed commands left half-built goes too.
 */
export async function collectLayers(host: Host, dryRun = false): Promise<{ removed: string[]; bytes: number }> {
  return withPinned(host.paths, async (pinned) => {
    const keep = new Set([...pinned, ...(await allImages(host)).flatMap((r) => r.layers ?? [])]);
    if (dryRun) return { removed: (await layerIds(host.paths)).filter((l) => !keep.has(l)), bytes: 0 };
    await sweepLayerTemps(host.paths);
    return removeLayersExcept(host.paths, keep);
  });
}

/** What `system df` prints. */
export interface DiskUse {
  images: { count: number; bytes: number; unused: number };
  layers: { count: number; bytes: number; shared: number };
  containers: { count: number };
}

function containerImageIds(host: Host): Set<string> {
  return new Set(
    host
      .store()
      .containers.list({ all: true })
      .map((c) => (c.config as { imageId?: string }).imageId ?? ''),
  );
}

/** Disk used by images (layers counted once), layers, and the number of containers. */
export async function diskUse(host: Host): Promise<DiskUse> {
  const images = await allImages(host);
  const sizes = await layerSizes(host);
  const used = containerImageIds(host);
  const users = new Map<string, number>();
  for (const r of images) for (const l of new Set(r.layers ?? [])) users.set(l, (users.get(l) ?? 0) + 1);
  let flat = 0;
  for (const r of images) if (!r.layers) flat += await imageSize(host, r, sizes);
  const layerBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  return {
    images: { count: images.length, bytes: flat + layerBytes, unused: images.filter((r) => !used.has(r.id)).length },
    layers: { count: sizes.size, bytes: layerBytes, shared: [...users.values()].filter((n) => n > 1).length },
    containers: { count: host.store().containers.list({ all: true }).length },
  };
}

/** What a prune removed. */
export interface PruneResult {
  deleted: string[];
  untagged: string[];
  layers: string[];
  reclaimed: number;
}

/** Removes untagged images (with ALL, every image) no container uses, then unused layers. */
export async function pruneImages(host: Host, all: boolean): Promise<PruneResult> {
  const used = containerImageIds(host);
  const tags = Object.entries(await imageIndex(host.paths).all());
  const out: PruneResult = { deleted: [], untagged: [], layers: [], reclaimed: 0 };
  // An image a running pull is about to tag again is not unused.
  const pinned = await withPinned(host.paths, async (p) => new Set(p));
  // Issue 26: the build cache's step images are kept unless ALL (`builder prune` is theirs).
  const cached = new Set(
    host
      .store()
      .buildCache.list()
      .map((e) => e.imageId),
  );
  for (const rec of await allImages(host)) {
    if (used.has(rec.id) || pinned.has(rec.id)) continue;
    if (!all && (tags.some(([, v]) => v === rec.id) || cached.has(rec.id))) continue;
    host.store().buildCache.forgetImage(rec.id);
    if (!rec.layers) out.reclaimed += await imageSize(host, rec, new Map());
    const r = await removeFrom(host.paths, rec.id);
    out.untagged.push(...r.untagged);
    if (r.deleted) out.deleted.push(r.deleted);
  }
  const g = await collectLayers(host);
  out.layers = g.removed;
  out.reclaimed += g.bytes;
  return out;
}

/** What `pruneImages` would remove, decided as it decides, nothing removed. */
export async function planPruneImages(
  host: Host,
  all: boolean,
): Promise<ChangePlan & { images: string[]; layers: string[] }> {
  const used = containerImageIds(host);
  const tags = Object.entries(await imageIndex(host.paths).all());
  const pinned = await pinnedIds(host.paths);
  const images = await allImages(host);
  const cached = new Set(
    host
      .store()
      .buildCache.list()
      .map((e) => e.imageId),
  );
  const gone = images.filter(
    (rec) =>
      !used.has(rec.id) && !pinned.has(rec.id) && (all || !(tags.some(([, v]) => v === rec.id) || cached.has(rec.id))),
  );
  const keep = new Set([...pinned, ...images.filter((r) => !gone.includes(r)).flatMap((r) => r.layers ?? [])]);
  const layers = (await layerIds(host.paths)).filter((l) => !keep.has(l));
  const notes = [
    ...gone.flatMap((r) => [
      ...tags.filter(([, v]) => v === r.id).map(([t]) => `untag ${t}`),
      `delete image sha256:${r.id}`,
    ]),
    ...layers.map((l) => `delete layer ${l}`),
  ];
  return { operations: [], rules: '', notes, images: gone.map((r) => r.id), layers };
}
