/**
 * The image verbs: import a root filesystem, load `docker save` / OCI archives, list and
 * remove. Images live under the host's `--root`; removing one a container was created
 * from is refused. Each mutating verb has a planning twin for `--dry-run`: the same checks,
 * a plan of what it would write, unpack and run, and nothing written.
 */
import {
  checkImportSource,
  importImage as importInto,
  type ImportSource,
  importWorkDir,
  packArgvOf,
  packPath,
  spoolPath,
} from '../runtime/image-import.js';
import { extractArgv } from '../runtime/image-layer.js';
import { checkLoadSource, type LoadedImage, loadImages as loadInto, loadWork } from '../runtime/image-load.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import {
  imageIndex,
  planImageRemoval,
  removeImage as removeFrom,
  resolveImage,
  resolveImageId,
  tagImage as tagInto,
} from '../runtime/image-store.js';
import { imagesDir } from '../runtime/paths.js';
import type { RemoveResult } from '../runtime/image-store.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { ConflictError } from '../errors.js';
import { allImages, collectLayers, imageSize, layerSizes } from './image-space.js';
import { imageConfigDocument } from './image-history.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';

export type { ImportSource } from '../runtime/image-import.js';
export type { LoadedImage } from '../runtime/image-load.js';
export type { RemoveResult } from '../runtime/image-store.js';
export type { ImageRecord } from '../runtime/image-config.js';

/** The normalized `name:tag` of a user-given image name; throws on a bad one. */
export { normalizeImageRef };

/** Imports a root filesystem (tarball, directory or stream) as image `ref` (normalized). */
export async function importImage(host: Host, source: ImportSource, ref: string): Promise<ImageRecord> {
  return importInto(host.paths, source, ref);
}

/** What `importImage` would do: the name and source checked as it checks them, nothing written. */
export async function planImportImage(host: Host, source: ImportSource, ref: string): Promise<ChangePlan> {
  const name = normalizeImageRef(ref);
  const kind = await checkImportSource(source);
  const images = imagesDir(host.paths);
  const dir = importWorkDir(host.paths, 'RANDOM');
  const path = typeof source === 'string' ? source : spoolPath(dir);
  const pack = packArgvOf(kind, path, packPath(dir));
  const old = await imageIndex(host.paths).get(name);
  const notes = [
    ...(kind === 'stream' ? [`read the archive from stdin into ${path}`] : []),
    `unpack ${pack ? packPath(dir) : path} once as a layer into ${host.paths.root}/layers/DIFFID (a layer stored already with the same bytes is shared)`,
    `record the image as ${images}/ID with a config naming that layer`,
    'ID: the sha256 of the image config, known once the layer is unpacked',
    old ? `point ${name} at it instead of sha256:${old} (that image stays stored)` : `tag it ${name}`,
  ];
  return { operations: [], rules: '', processes: pack ? [pack] : [], notes };
}

/** Loads the images of a `docker save` or OCI archive. */
export async function loadImages(host: Host, source: ImportSource): Promise<LoadedImage[]> {
  return loadInto(host.paths, source);
}

/**
 * What `loadImages` would do, the source checked as it checks it. The archive is not
 * unpacked, so the ids (digests of the configs inside it) and names are not known yet.
 */
export async function planLoadImages(host: Host, source: ImportSource): Promise<ChangePlan> {
  await checkLoadSource(source);
  const work = loadWork(host.paths, 'RANDOM');
  const file = typeof source === 'string' ? source : work.input;
  const notes = [
    ...(typeof source === 'string' ? [] : [`read the archive from stdin into ${file}`]),
    `unpack the archive into ${work.archive} (removed afterwards)`,
    `unpack each layer once into ${host.paths.root}/layers/DIFFID (one stored already is shared), and record each image as ${imagesDir(host.paths)}/ID; an image stored already is only tagged again`,
    'ID: the sha256 of the image config, known only once the archive is unpacked',
    'tag each image with the names the archive gives it',
  ];
  return { operations: [], rules: '', processes: [extractArgv(file, work.archive)], notes };
}

/** One row of `image ls`: one per name (untagged images as `<none>:<none>`). */
export interface ImageRow {
  repository: string;
  tag: string;
  id: string;
  created: string;
  source: string;
  /** Bytes of its files (its layers', each counted in full). */
  size: number;
  /** Layers it has, and how many of them another image shares. */
  layers: number;
  sharedLayers: number;
}

/** Stored images, one row per name, by repository and tag. */
export async function listImages(host: Host): Promise<ImageRow[]> {
  const tags = Object.entries(await imageIndex(host.paths).all());
  const rows: ImageRow[] = [];
  const records = await allImages(host);
  const sizes = await layerSizes(host);
  const users = new Map<string, number>();
  for (const r of records) for (const l of new Set(r.layers ?? [])) users.set(l, (users.get(l) ?? 0) + 1);
  for (const rec of records) {
    const id = rec.id;
    const size = await imageSize(host, rec, sizes);
    const layers = rec.layers?.length ?? 1;
    const sharedLayers = (rec.layers ?? []).filter((l) => (users.get(l) ?? 0) > 1).length;
    const names = tags.filter(([, v]) => v === id).map(([k]) => k);
    for (const n of names.length ? names : ['<none>:<none>']) {
      const colon = n.lastIndexOf(':');
      rows.push({
        repository: n.slice(0, colon),
        tag: n.slice(colon + 1),
        id,
        created: rec.created,
        source: rec.source,
        size,
        layers,
        sharedLayers,
      });
    }
  }
  return rows.sort((a, b) => a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
}

/** Refuses an image a container was created from (its writable layer sits on it). */
async function refuseInUse(host: Host, name: string): Promise<void> {
  const image = await resolveImage(host.paths, name);
  const user = host
    .store()
    .containers.list({ all: true })
    .find((c) => (c.config as { imageId?: string }).imageId === image.id);
  if (user)
    throw new ConflictError(
      `image "${name}" is in use by container "${user.name}"`,
      `remove the container first: netctl rm -f ${user.name}`,
    );
}

/** Untags `name`, and deletes its image when no name points at it any more, and the layers no image uses. */
export async function removeImage(host: Host, name: string): Promise<RemoveResult & { layers?: string[] }> {
  await refuseInUse(host, name);
  const r = await removeFrom(host.paths, name);
  if (!r.deleted) return r;
  // Issue 26: a build step that made it is no longer cached.
  host.store().buildCache.forgetImage(r.deleted);
  const { removed } = await collectLayers(host);
  return removed.length ? { ...r, layers: removed } : r;
}

/** What `removeImage` would do, refused the same way: the names it untags and the image it deletes. */
export async function planRemoveImage(host: Host, name: string): Promise<ChangePlan & RemoveResult> {
  await refuseInUse(host, name);
  const r = await planImageRemoval(host.paths, name);
  const notes = [
    ...r.untagged.map((t) => `untag ${t}`),
    ...(r.deleted ? [`delete image sha256:${r.deleted} (${r.dir})`] : []),
  ];
  return { operations: [], rules: '', notes, untagged: r.untagged, ...(r.deleted ? { deleted: r.deleted } : {}) };
}

/** The image a `run` names, with its configuration. */
export async function findImage(host: Host, ref: string): Promise<ImageRecord> {
  return resolveImage(host.paths, ref);
}

/** What `image inspect` shows: the record, its names, its size and each layer's. */
export interface ImageDetails extends ImageRecord {
  tags: string[];
  size: number;
  layerSizes?: { diffId: string; bytes: number }[];
  /** The image config's history entries (oldest first), as Docker's `history` reads them. */
  history?: unknown[];
}

/** The details of one image. */
export async function inspectImage(host: Host, ref: string): Promise<ImageDetails> {
  const { rootfs: _rootfs, ...rec } = await resolveImage(host.paths, ref);
  const sizes = await layerSizes(host);
  const tags = Object.entries(await imageIndex(host.paths).all())
    .filter(([, v]) => v === rec.id)
    .map(([k]) => k);
  const out: ImageDetails = { ...rec, tags, size: await imageSize(host, rec, sizes) };
  if (rec.layers) out.layerSizes = rec.layers.map((diffId) => ({ diffId, bytes: sizes.get(diffId) ?? 0 }));
  const history = ((await imageConfigDocument(host, rec.id)) as { history?: unknown } | null)?.history;
  if (Array.isArray(history)) out.history = history;
  return out;
}

/** `tag`: points TARGET (`NAME[:TAG]`) at the image SOURCE names; returns the normalized name. */
export async function tagImage(host: Host, source: string, target: string): Promise<string> {
  const name = normalizeImageRef(target);
  const id = await resolveImageId(host.paths, source);
  return tagInto(host.paths, name, id);
}

/** What `tagImage` would do: the names checked as it checks them, nothing written. */
export async function planTagImage(host: Host, source: string, target: string): Promise<ChangePlan> {
  const name = normalizeImageRef(target);
  const id = await resolveImageId(host.paths, source);
  const old = await imageIndex(host.paths).get(name);
  const was = old && old !== id ? ` instead of sha256:${old}` : '';
  return { operations: [], rules: '', notes: [`point ${name} at sha256:${id}${was}`] };
}
