/**
 * Stored images: `<root>/images/<id>/rootfs` and `config.json`, with names in the image
 * index (image-index.ts). New images are built in a `.tmp-*` directory and renamed into
 * place, so a killed command never leaves a half-built image under a real id.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { ConflictError, NotFoundError, SystemError, wrap } from '../errors.js';
import { fileImageIndex, type ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-config.js';
import { normalizeImageRef } from './image-ref.js';
import { imagePaths, imagesDir, type RuntimeRoots } from './paths.js';

const ID = /^[0-9a-f]{64}$/;

/** The image index of these roots. */
export function imageIndex(r: RuntimeRoots): ImageIndex {
  return fileImageIndex(imagesDir(r));
}

/** A directory to build a new image in: `dir/rootfs` is where its files go. */
export async function newImageDir(r: RuntimeRoots): Promise<{ dir: string; rootfs: string }> {
  const dir = `${imagesDir(r)}/.tmp-${randomBytes(8).toString('hex')}`;
  await mkdir(`${dir}/rootfs`, { recursive: true, mode: 0o755 });
  return { dir, rootfs: `${dir}/rootfs` };
}

/** Whether an image with this id is stored. */
export async function hasImage(r: RuntimeRoots, id: string): Promise<boolean> {
  return stat(imagePaths(r, id).config).then(
    () => true,
    () => false,
  );
}

/** Moves a built image (from newImageDir) under its id; a copy already there wins. */
export async function commitImage(r: RuntimeRoots, tmpDir: string, record: ImageRecord): Promise<void> {
  const final = imagePaths(r, record.id);
  await writeFile(`${tmpDir}/config.json`, `${JSON.stringify(record, null, 2)}\n`);
  try {
    await rename(tmpDir, final.dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw wrap('store image', record.id, err);
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Stores the record of an image whose files are in the layer store, with the image config
 * it came with (`image.json`, the bytes its id is the digest of); a copy already there wins.
 */
export async function commitLayeredImage(r: RuntimeRoots, record: ImageRecord, rawConfig?: Buffer): Promise<void> {
  const tmp = `${imagesDir(r)}/.tmp-${randomBytes(8).toString('hex')}`;
  await mkdir(tmp, { recursive: true, mode: 0o755 });
  if (rawConfig) await writeFile(`${tmp}/image.json`, rawConfig);
  await commitImage(r, tmp, record);
}

/** The image config an image came with, when it was stored with one. */
export async function readRawConfig(r: RuntimeRoots, id: string): Promise<Buffer | undefined> {
  return readFile(`${imagePaths(r, id).dir}/image.json`).catch(() => undefined);
}

/** Reads a stored image's record. */
export async function readImage(r: RuntimeRoots, id: string): Promise<ImageRecord> {
  try {
    return JSON.parse(await readFile(imagePaths(r, id).config, 'utf8')) as ImageRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('image', id);
    throw wrap('read image', id, err);
  }
}

/** Ids of every stored image. */
export async function imageIds(r: RuntimeRoots): Promise<string[]> {
  const names = await readdir(imagesDir(r)).catch(() => [] as string[]);
  return names.filter((n) => ID.test(n)).sort();
}

function safeNormalize(ref: string): string | undefined {
  try {
    return normalizeImageRef(ref);
  } catch {
    return undefined;
  }
}

/** Rewrites a stored image's record (atomically). */
export async function writeImageRecord(r: RuntimeRoots, record: ImageRecord): Promise<void> {
  const { config } = imagePaths(r, record.id);
  await writeFile(`${config}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${config}.tmp`, config);
}

// `NAME[:TAG]@sha256:HEX`: the image pulled by that digest.
async function byDigest(r: RuntimeRoots, ref: string): Promise<string | undefined> {
  const at = ref.indexOf('@');
  const name = safeNormalize(ref.slice(0, at))?.replace(/:[^:/]+$/, '');
  if (!name) return undefined;
  const want = `${name}${ref.slice(at)}`;
  for (const id of await imageIds(r)) {
    const rec = await readImage(r, id).catch(() => null);
    if (rec?.repoDigests?.includes(want)) return id;
  }
  return undefined;
}

// A name wins over an id prefix that happens to look the same, as in Docker.
async function lookup(r: RuntimeRoots, ref: string): Promise<{ id: string; name?: string }> {
  if (ref.indexOf('@') > 0) {
    const id = await byDigest(r, ref);
    if (id) return { id };
    throw new NotFoundError('image', ref, 'netctl pull fetches it');
  }
  const name = safeNormalize(ref);
  const named = name ? await imageIndex(r).get(name) : undefined;
  if (named) return { id: named, name };
  const bare = ref.replace(/^sha256:/, '');
  if (/^[0-9a-f]{4,64}$/.test(bare)) {
    const ids = (await imageIds(r)).filter((id) => id.startsWith(bare));
    if (ids.length === 1) return { id: ids[0]! };
    if (ids.length > 1) throw new ConflictError(`image id prefix "${ref}" is ambiguous`, 'give more of the id');
  }
  throw new NotFoundError('image', ref, 'netctl image ls lists the images; netctl image import or load adds one');
}

/** Finds the image id for `NAME[:TAG]`, a full id (`sha256:` optional) or a unique id prefix. */
export async function resolveImageId(r: RuntimeRoots, ref: string): Promise<string> {
  return (await lookup(r, ref)).id;
}

/** The record of an image by reference, with its rootfs path. */
export async function resolveImage(r: RuntimeRoots, ref: string): Promise<ImageRecord & { rootfs: string }> {
  const id = await resolveImageId(r, ref);
  return { ...(await readImage(r, id)), rootfs: imagePaths(r, id).rootfs };
}

/** Points `name:tag` at an image. */
export async function tagImage(r: RuntimeRoots, ref: string, id: string): Promise<string> {
  const name = normalizeImageRef(ref);
  if (!(await hasImage(r, id))) throw new SystemError(`tag "${name}": image ${id} is not stored`);
  await imageIndex(r).set(name, id);
  return name;
}

/** What removing one reference did. */
export interface RemoveResult {
  untagged: string[];
  deleted?: string;
}

/**
 * Removes an image reference: a name untags it (and deletes the image when no other name
 * points at it); an id deletes the image and every name. `inUse` vetoes the deletion.
 */
export async function removeImage(
  r: RuntimeRoots,
  ref: string,
  inUse: (id: string) => Promise<boolean> = async () => false,
): Promise<RemoveResult> {
  const plan = await planImageRemoval(r, ref, inUse);
  const index = imageIndex(r);
  for (const t of plan.untagged) await index.delete(t);
  if (plan.deleted) await rm(plan.dir, { recursive: true, force: true });
  return plan.deleted ? { untagged: plan.untagged, deleted: plan.deleted } : { untagged: plan.untagged };
}

/**
 * What removing a reference would do (`removeImage` without the removing): the names it
 * untags, and the image and directory it deletes when no other name is left.
 */
export async function planImageRemoval(
  r: RuntimeRoots,
  ref: string,
  inUse: (id: string) => Promise<boolean> = async () => false,
): Promise<RemoveResult & { dir: string }> {
  const { id, name } = await lookup(r, ref);
  const tags = Object.entries(await imageIndex(r).all())
    .filter(([, v]) => v === id)
    .map(([k]) => k);
  const untag = name ? [name] : tags;
  const deleting = untag.length >= tags.length;
  if (deleting && (await inUse(id)))
    throw new ConflictError(`image "${ref}" is used by a container`, 'remove the container first');
  const dir = imagePaths(r, id).dir;
  return deleting ? { untagged: untag, deleted: id, dir } : { untagged: untag, dir };
}
