/**
 * The image verbs: import a root filesystem, load `docker save` / OCI archives, list and
 * remove. Images live under the host's `--root`; removing one a container was created
 * from is refused.
 */
import { importImage as importInto, type ImportSource } from '../runtime/image-import.js';
import { type LoadedImage, loadImages as loadInto } from '../runtime/image-load.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import { imageIds, imageIndex, readImage, removeImage as removeFrom, resolveImage } from '../runtime/image-store.js';
import type { RemoveResult } from '../runtime/image-store.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { ConflictError } from '../errors.js';
import type { Host } from './host.js';

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

/** Loads the images of a `docker save` or OCI archive. */
export async function loadImages(host: Host, source: ImportSource): Promise<LoadedImage[]> {
  return loadInto(host.paths, source);
}

/** One row of `image ls`: one per name (untagged images as `<none>:<none>`). */
export interface ImageRow {
  repository: string;
  tag: string;
  id: string;
  created: string;
  source: string;
}

/** Stored images, one row per name, by repository and tag. */
export async function listImages(host: Host): Promise<ImageRow[]> {
  const tags = Object.entries(await imageIndex(host.paths).all());
  const rows: ImageRow[] = [];
  for (const id of await imageIds(host.paths)) {
    const rec = await readImage(host.paths, id).catch(() => null);
    if (!rec) continue;
    const names = tags.filter(([, v]) => v === id).map(([k]) => k);
    for (const n of names.length ? names : ['<none>:<none>']) {
      const colon = n.lastIndexOf(':');
      rows.push({
        repository: n.slice(0, colon),
        tag: n.slice(colon + 1),
        id,
        created: rec.created,
        source: rec.source,
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

/** Untags `name`, and deletes its image when no name points at it any more. */
export async function removeImage(host: Host, name: string): Promise<RemoveResult> {
  await refuseInUse(host, name);
  return removeFrom(host.paths, name);
}

/** The image a `run` names, with its configuration. */
export async function findImage(host: Host, ref: string): Promise<ImageRecord> {
  return resolveImage(host.paths, ref);
}
