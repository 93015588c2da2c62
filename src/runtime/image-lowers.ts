/**
 * What a container's root filesystem is made of: the image's layer directories (top first,
 * as overlayfs takes `lowerdir`) or, for a flattened image, its one `rootfs/`; and, where
 * overlayfs cannot be used, a merged copy of the layers (their whiteouts turned back into
 * `.wh.` files so layer-merge.ts applies them as it does at load).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { NotFoundError } from '../errors.js';
import { runChecked } from '../sys/exec.js';
import { readImage } from './image-store.js';
import { mergeLayer } from './layer-merge.js';
import { hasLayer, layerPaths, readLayer } from './layer-store.js';
import { imagePaths, type RuntimeRoots } from './paths.js';

/** The lower directories of image IMAGE_ID, top first; throws when a layer is missing. */
export async function imageLowers(r: RuntimeRoots, imageId: string): Promise<string[]> {
  const rec = await readImage(r, imageId);
  if (!rec.layers) return [imagePaths(r, imageId).rootfs];
  for (const l of rec.layers) if (!(await hasLayer(r, l))) throw new NotFoundError('layer', l, 'pull the image again');
  return rec.layers.map((l) => layerPaths(r, l).fs).reverse();
}

/** Builds DEST as the merge of image IMAGE_ID's layers (DEST must not exist). */
export async function mergedCopy(r: RuntimeRoots, imageId: string, dest: string): Promise<void> {
  const rec = await readImage(r, imageId);
  await mkdir(dest, { mode: 0o755 });
  for (const l of rec.layers ?? []) {
    const meta = await readLayer(r, l);
    const staging = `${dest}.layer`;
    await rm(staging, { recursive: true, force: true });
    await runChecked(['cp', '-a', '--', layerPaths(r, l).fs, staging], { timeoutMs: 30 * 60_000 });
    for (const w of meta.whiteouts) {
      const slash = w.lastIndexOf('/');
      await rm(`${staging}/${w}`, { force: true });
      await writeFile(
        slash < 0 ? `${staging}/.wh.${w}` : `${staging}/${w.slice(0, slash)}/.wh.${w.slice(slash + 1)}`,
        '',
      );
    }
    for (const d of meta.opaque) await writeFile(`${staging}/${d ? `${d}/` : ''}.wh..wh..opq`, '');
    mergeLayer(staging, dest, new Set(meta.dirs));
    await rm(staging, { recursive: true, force: true });
  }
}
