/**
 * Layers made here rather than pulled: a directory (a container's overlay upper directory, a
 * build step's output, a flattened image's rootfs) written as a layer tar (tree-tar.ts) and
 * unpacked into the layer store like a pulled blob, so it is stored once, keeps a tar-split
 * for push and save, and a killed command leaves only a `.tmp-<pid>-*` the next sweep removes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { readImage } from './image-store.js';
import { type LayerMeta, layersDir, storeLayer } from './layer-store.js';
import { imagePaths, type RuntimeRoots } from './paths.js';
import { type TreeTarOptions, writeTreeTar } from './tree-tar.js';

/**
 * Writes DIR as a layer into the layer store (once: the same tar is stored only once);
 * `beforePlace` (a build pinning it) is called with its diff id before it is in place.
 */
export async function storeDirLayer(
  r: RuntimeRoots,
  dir: string,
  opts: TreeTarOptions & { beforePlace?: (diffId: string) => Promise<void> } = {},
): Promise<LayerMeta> {
  await mkdir(layersDir(r), { recursive: true, mode: 0o700 });
  const file = `${layersDir(r)}/.tmp-${process.pid}-${randomBytes(6).toString('hex')}.tar`;
  try {
    const { diffId } = await writeTreeTar(dir, file, opts);
    await opts.beforePlace?.(diffId);
    return await storeLayer(r, file, diffId);
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * The diff ids of image IMAGE_ID, bottom first. A flattened import has none: its rootfs is
 * written as one layer (the same tar each time, so it is stored once) for a new image to
 * build on.
 */
export async function layeredBase(r: RuntimeRoots, imageId: string): Promise<string[]> {
  const rec = await readImage(r, imageId);
  if (rec.layers) return rec.layers;
  return [(await storeDirLayer(r, imagePaths(r, imageId).rootfs)).diffId];
}
