/**
 * `image load`: every image of a `docker save` or OCI archive, each layer stored once in the
 * layer store (an archive whose config lists no diff ids is flattened, its layers applied in
 * order). An image already stored (same config digest) is only tagged again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { NotFoundError, SystemError, UsageError, wrap } from '../errors.js';
import { readArchive, type ArchiveImage } from './image-archive.js';
import { configFromOci, type ImageRecord } from './image-config.js';
import { type ImportSource, sourceLabel } from './image-import.js';
import { applyLayer, extractArchive } from './image-layer.js';
import { commitImage, commitLayeredImage, hasImage, newImageDir, tagImage } from './image-store.js';
import { pinLayers } from './layer-pins.js';
import { storeLayer, sweepLayerTemps } from './layer-store.js';
import { imagesDir, type RuntimeRoots } from './paths.js';
import { refuseTerminal, spoolToFile } from './spool.js';

/** One loaded image: its id and the names now pointing at it. */
export interface LoadedImage {
  id: string;
  tags: string[];
}

function diffIdsOf(doc: unknown): string[] | undefined {
  const ids = (doc as { rootfs?: { diff_ids?: unknown } })?.rootfs?.diff_ids;
  return Array.isArray(ids) && ids.every((x) => typeof x === 'string' && /^sha256:[0-9a-f]{64}$/.test(x))
    ? (ids as string[])
    : undefined;
}

// Each layer unpacked once into the layer store (checked against its diff id), so two images
// on one base share it; pinned until the record exists, so a concurrent prune leaves them.
async function storeLayered(
  r: RuntimeRoots,
  img: ArchiveImage,
  config: Buffer,
  doc: unknown,
  id: string,
  ids: string[],
) {
  const pin = await pinLayers(r, [...ids, id]);
  try {
    await sweepLayerTemps(r);
    for (const [i, layer] of img.layers.entries()) await storeLayer(r, layer, ids[i]!);
    const record: ImageRecord = {
      id,
      created: new Date().toISOString(),
      source: img.format,
      layers: ids,
      ...configFromOci(doc),
    };
    await commitLayeredImage(r, record, config);
  } finally {
    await pin.release();
  }
}

async function store(r: RuntimeRoots, img: ArchiveImage, configText: Buffer, id: string): Promise<void> {
  let doc: unknown;
  try {
    doc = JSON.parse(configText.toString('utf8'));
  } catch (err) {
    throw new SystemError('image config is not valid JSON', { cause: err });
  }
  const ids = diffIdsOf(doc);
  if (ids && ids.length === img.layers.length) return storeLayered(r, img, configText, doc, id, ids);
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

/** Where a load unpacks its archive (removed when it is done), and where a streamed one is saved. */
export interface LoadWork {
  dir: string;
  archive: string;
  input: string;
}

/** A new working directory for one load, under the images directory (nothing is created). */
export function loadWork(r: RuntimeRoots, suffix = randomBytes(8).toString('hex')): LoadWork {
  const dir = `${imagesDir(r)}/.tmp-load-${suffix}`;
  return { dir, archive: `${dir}/archive`, input: `${dir}/input.tar` };
}

/**
 * Checks the archive source without reading it: a path must be a file, a stream not a
 * terminal. Refusals name the source as a failed load does.
 */
export async function checkLoadSource(source: ImportSource): Promise<void> {
  try {
    if (typeof source !== 'string') return refuseTerminal(source);
    const st = await stat(source).catch(() => null);
    if (!st) throw new NotFoundError('file', source);
    if (!st.isFile()) throw new UsageError(`cannot load "${source}": not a file`);
  } catch (err) {
    throw wrap('load', sourceLabel(source), err);
  }
}

/** Loads every image of the archive at SOURCE (a file path or a stream). */
export async function loadImages(r: RuntimeRoots, source: ImportSource): Promise<LoadedImage[]> {
  await checkLoadSource(source);
  const work = loadWork(r);
  try {
    await mkdir(work.archive, { recursive: true, mode: 0o700 });
    let file = source;
    if (typeof file !== 'string') {
      file = work.input;
      await spoolToFile(source as Exclude<ImportSource, string>, file);
    }
    await extractArchive(file, work.archive);
    const images = await readArchive(work.archive);
    const out: LoadedImage[] = [];
    for (const img of images) out.push(await loadOne(r, img));
    return out;
  } catch (err) {
    throw wrap('load', sourceLabel(source), err);
  } finally {
    await rm(work.dir, { recursive: true, force: true });
  }
}
