/**
 * `image import`: a root filesystem from a tar archive (gzip, zstd, xz or bzip2 or none), a
 * directory, or a stream, stored as a one-layer image with an empty config, so push, save
 * and `history` treat it as any pulled image. In two halves: the source is checked and the
 * program that packs a directory chosen without writing anything (what `--dry-run` shows),
 * then the layer is stored and the image recorded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runChecked } from '../sys/exec.js';
import { NotFoundError, UsageError, wrap } from '../errors.js';
import { emptyImageConfig, type ImageRecord } from './image-config.js';
import { configDocument } from './image-blob.js';
import { normalizeImageRef } from './image-ref.js';
import { commitLayeredImage, tagImage } from './image-store.js';
import { packArgv, storeNewLayer } from './layer-import.js';
import { pinLayers } from './layer-pins.js';
import { imagesDir, type RuntimeRoots } from './paths.js';
import { refuseTerminal, spoolToFile } from './spool.js';

/** Where an import reads from: a path (file or directory) or a stream. */
export type ImportSource = string | Readable;

/** How the rootfs is filled: a directory copied, an archive unpacked, a stream saved then unpacked. */
export type ImportKind = 'dir' | 'file' | 'stream';

/** The source as error messages name it. */
export function sourceLabel(source: ImportSource): string {
  return typeof source === 'string' ? source : '-';
}

/** Checks the source and says how it is read; writes nothing. Refusals name the source. */
export async function checkImportSource(source: ImportSource): Promise<ImportKind> {
  try {
    if (typeof source !== 'string') {
      refuseTerminal(source);
      return 'stream';
    }
    const st = await stat(source).catch(() => null);
    if (!st) throw new NotFoundError('file or directory', source);
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    throw new UsageError(`cannot import "${source}": not a file or directory`);
  } catch (err) {
    throw wrap('import', sourceLabel(source), err);
  }
}

/** The program that packs a directory source into the layer tar OUT; none for an archive (it is the layer). */
export function packArgvOf(kind: ImportKind, path: string, out: string): string[] | undefined {
  return kind === 'dir' ? packArgv(path, out) : undefined;
}

/** Where a streamed archive is saved inside the import's work directory. */
export function spoolPath(dir: string): string {
  return `${dir}/input`;
}

/** Where a directory source is packed inside the import's work directory. */
export function packPath(dir: string): string {
  return `${dir}/layer.tar`;
}

/** The work directory of one import (removed when it ends). */
export function importWorkDir(r: RuntimeRoots, tag: string): string {
  return `${imagesDir(r)}/.tmp-import-${tag}`;
}

// The archive that becomes the layer: the file given, the stream saved, or the directory packed.
async function layerFile(source: ImportSource, kind: ImportKind, dir: string): Promise<string> {
  if (typeof source !== 'string') {
    await spoolToFile(source, spoolPath(dir));
    return spoolPath(dir);
  }
  const pack = packArgvOf(kind, source, packPath(dir));
  if (!pack) return source;
  await runChecked(pack, { timeoutMs: 30 * 60_000 });
  return packPath(dir);
}

/** The image config of an import: Docker's, with one history entry saying where it came from. */
export function importConfig(rec: ImageRecord, diffId: string, from: string): Buffer {
  const doc = configDocument(rec, [diffId]);
  doc.history = [{ created: rec.created, created_by: '', comment: `Imported from ${from}` }];
  return Buffer.from(JSON.stringify(doc));
}

/**
 * Imports a rootfs as `name:tag`: its tar (the archive given, or the directory packed) is
 * stored as one layer, shared with any image that has the same bytes, and the image id is
 * the digest of its config, as for a pulled image; returns the new image's record.
 */
export async function importImage(r: RuntimeRoots, source: ImportSource, ref: string): Promise<ImageRecord> {
  const name = normalizeImageRef(ref);
  const kind = await checkImportSource(source);
  const dir = importWorkDir(r, randomBytes(8).toString('hex'));
  const pin = await pinLayers(r, []);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const layer = await storeNewLayer(r, await layerFile(source, kind, dir), (d) => pin.add([d]));
    const base: ImageRecord = {
      id: '',
      created: new Date().toISOString(),
      source: 'import',
      config: emptyImageConfig(),
    };
    const config = importConfig(base, layer.diffId, sourceLabel(source));
    const record: ImageRecord = {
      ...base,
      id: createHash('sha256').update(config).digest('hex'),
      layers: [layer.diffId],
    };
    await commitLayeredImage(r, record, config);
    await tagImage(r, name, record.id);
    return record;
  } catch (err) {
    throw wrap('import', sourceLabel(source), err);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await pin.release();
  }
}
