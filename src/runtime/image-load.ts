/**
 * `image load`: every image of a `docker save` or OCI archive, layers applied in order.
 * An image already stored (same config digest) is only tagged again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { SystemError, wrap } from '../errors.js';
import { readArchive, type ArchiveImage } from './image-archive.js';
import { configFromOci, type ImageRecord } from './image-config.js';
import type { ImportSource } from './image-import.js';
import { applyLayer, extractArchive } from './image-layer.js';
import { commitImage, hasImage, newImageDir, tagImage } from './image-store.js';
import { imagesDir, type RuntimeRoots } from './paths.js';
import { spoolToFile } from './spool.js';

/** One loaded image: its id and the names now pointing at it. */
export interface LoadedImage {
  id: string;
  tags: string[];
}

async function store(r: RuntimeRoots, img: ArchiveImage, configText: Buffer, id: string): Promise<void> {
  let doc: unknown;
  try {
    doc = JSON.parse(configText.toString('utf8'));
  } catch (err) {
    throw new SystemError('image config is not valid JSON', { cause: err });
  }
  const { dir, rootfs } = await newImageDir(r);
  try {
    for (const layer of img.layers) await applyLayer(rootfs, layer);
    const record: ImageRecord = { id, created: new Date().toISOString(), source: img.format, ...configFromOci(doc) };
    await commitImage(r, dir, record);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function loadOne(r: RuntimeRoots, img: ArchiveImage): Promise<LoadedImage> {
  const configText = await readFile(img.config);
  // Docker's image id: the digest of the config.
  const id = createHash('sha256').update(configText).digest('hex');
  if (!(await hasImage(r, id))) await store(r, img, configText, id);
  const tags: string[] = [];
  for (const t of img.tags) tags.push(await tagImage(r, t, id));
  return { id, tags };
}

/** Loads every image of the archive at SOURCE (a file path or a stream). */
export async function loadImages(r: RuntimeRoots, source: ImportSource): Promise<LoadedImage[]> {
  const work = `${imagesDir(r)}/.tmp-load-${randomBytes(8).toString('hex')}`;
  try {
    await mkdir(`${work}/archive`, { recursive: true, mode: 0o700 });
    let file = source;
    if (typeof file !== 'string') {
      file = `${work}/input.tar`;
      await spoolToFile(source as Exclude<ImportSource, string>, file);
    }
    await extractArchive(file, `${work}/archive`);
    const images = await readArchive(`${work}/archive`);
    const out: LoadedImage[] = [];
    for (const img of images) out.push(await loadOne(r, img));
    return out;
  } catch (err) {
    throw wrap('load', typeof source === 'string' ? source : '-', err);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
