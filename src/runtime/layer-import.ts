/**
 * A layer whose diff id is not known beforehand (an `image import` archive or directory):
 * unpacked once into a temporary layer directory, which its digest then names. The same
 * checks as a pulled layer (layer-check.ts) and the same tar-split, so push and save rebuild
 * its tar byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { unpackLayer } from './layer-unpack.js';
import { hasLayer, type LayerMeta, layerPaths, layersDir, readLayer } from './layer-store.js';
import type { RuntimeRoots } from './paths.js';

/** The argv of the `tar` that packs directory DIR into the plain tar OUT, owners, modes and xattrs kept. */
export function packArgv(dir: string, out: string): string[] {
  return ['tar', '-c', '-f', out, '-C', dir, '--numeric-owner', '--xattrs', '--xattrs-include=*', '.'];
}

/**
 * Stores the archive FILE (any compression) as a layer named by its uncompressed digest;
 * a layer stored already with that digest is kept and this copy dropped. BEFORE_PLACE runs
 * once the diff id is known and before the layer appears under it (a pin against prune).
 */
export async function storeNewLayer(
  r: RuntimeRoots,
  file: string,
  beforePlace: (diffId: string) => Promise<void> = async () => undefined,
): Promise<LayerMeta> {
  const tmp = `${layersDir(r)}/.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(`${tmp}/fs`, { recursive: true, mode: 0o755 });
    const { diffId, facts } = await unpackLayer(file, `${tmp}/fs`, undefined, tmp);
    await beforePlace(diffId);
    if (await hasLayer(r, diffId)) return readLayer(r, diffId);
    const meta: LayerMeta = { diffId, created: new Date().toISOString(), ...facts };
    await writeFile(`${tmp}/meta.json`, `${JSON.stringify(meta)}\n`);
    await rename(tmp, layerPaths(r, diffId).dir).catch((err: NodeJS.ErrnoException) => {
      // Stored meanwhile by another command: the same bytes.
      if (err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err;
    });
    return meta;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
