/**
 * `commit`: a container's changes as a new image. Its overlay upper directory (or, where
 * overlayfs was refused, its whole root copy) is written as one layer on top of its image's,
 * the image's config is carried over with the `-c` changes, a history entry is added, and the
 * image is stored (its id the digest of its config) and tagged. The container is paused
 * while its files are read unless `--pause=false`.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { refuseCniRecord } from '../model/cni-record.js';
import type { Container } from '../model/container.js';
import { freeze, hostFreezer, isFrozen, thaw } from '../runtime/freezer.js';
import { baseDocument, type ImageDoc, storeImageDocument } from '../runtime/image-doc.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import { tagImage } from '../runtime/image-store.js';
import { layeredBase, storeDirLayer } from '../runtime/layer-from-dir.js';
import { pinLayers } from '../runtime/layer-pins.js';
import { containerPaths } from '../runtime/paths.js';
import { containerProcesses } from '../runtime/procs.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import { liveStatus, readState } from '../runtime/state.js';
import { UsageError } from '../errors.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';

/** What `commit` takes besides the container. */
export interface CommitOptions {
  /** `NAME[:TAG]` for the image. */
  ref?: string;
  message?: string;
  author?: string;
  /** Changes to the config (`-c`), applied to the image's document before it is stored. */
  change?: (doc: ImageDoc) => ImageDoc;
  /** Freeze the container while its files are read (default true, as Docker). */
  pause?: boolean;
}

/** What `commit` made. */
export interface CommitResult {
  id: string;
  tag?: string;
  /** The new layer's diff id. */
  layer: string;
}

// Mount targets the launcher creates when the image has none: they are not the container's changes.
const MOUNT_FILES = new Set(['etc/hosts', 'etc/resolv.conf', 'etc/hostname']);

/** Whether REL in an upper directory is only a mount point the launcher made (never a change). Pure. */
export function isMountArtifact(rel: string, st: Pick<Stats, 'isFile' | 'size'>): boolean {
  return MOUNT_FILES.has(rel) && st.isFile() && st.size === 0;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function withPause<T>(host: Host, c: Container, pause: boolean, fn: () => Promise<T>): Promise<T> {
  const st = await readState(containerPaths(host.paths, c.id).state);
  const f = pause && st && liveStatus(st) === 'running' ? hostFreezer(c.id) : null;
  if (!f || (await isFrozen(f))) return fn();
  await freeze(
    f,
    (await containerProcesses(containerCgroup(c.id, undefined)?.procs[0], st!.pid)).map((p) => p.pid),
  );
  try {
    return await fn();
  } finally {
    await thaw(f);
  }
}

function imageOf(c: Container): string {
  const id = (c.config as { imageId?: string }).imageId;
  if (!id) throw new UsageError(`container "${c.name}" has no image to commit onto`);
  return id;
}

async function layerOf(host: Host, c: Container, imageId: string): Promise<{ base: string[]; layer: string }> {
  const p = containerPaths(host.paths, c.id);
  // A root copy holds every file: it is the whole image, one layer.
  if (await exists(p.copy)) return { base: [], layer: (await storeDirLayer(host.paths, p.copy)).diffId };
  const base = await layeredBase(host.paths, imageId);
  const layer = (await exists(p.upper))
    ? (await storeDirLayer(host.paths, p.upper, { skip: isMountArtifact })).diffId
    : (await storeDirLayer(host.paths, `${p.dir}`, { skip: () => true })).diffId;
  return { base, layer };
}

function commandOf(c: Container): string {
  return ((c.config as { launch?: { argv?: string[] } }).launch?.argv ?? []).join(' ');
}

/** Commits container REF as a new image. */
export async function commitContainer(host: Host, ref: string, o: CommitOptions = {}): Promise<CommitResult> {
  const c = host.store().containers.require(ref);
  refuseCniRecord(c, 'commit');
  const tag = o.ref ? normalizeImageRef(o.ref) : undefined;
  const imageId = imageOf(c);
  const pin = await pinLayers(host.paths, [imageId]);
  try {
    const { base, layer } = await withPause(host, c, o.pause !== false, () => layerOf(host, c, imageId));
    await pin.add([layer, ...base]);
    const created = new Date().toISOString();
    let doc = await baseDocument(host.paths, imageId, base);
    doc = o.change ? o.change(doc) : doc;
    doc.created = created;
    if (o.author) doc.author = o.author;
    if (o.message) doc.comment = o.message;
    doc.rootfs.diff_ids = [...base, layer];
    doc.history.push({
      created,
      created_by: commandOf(c),
      ...(o.author ? { author: o.author } : {}),
      ...(o.message ? { comment: o.message } : {}),
    });
    const rec: ImageRecord = await storeImageDocument(host.paths, doc, 'commit', imageId);
    if (tag) await tagImage(host.paths, tag, rec.id);
    return { id: rec.id, layer, ...(tag ? { tag } : {}) };
  } finally {
    await pin.release();
  }
}

/** What `commitContainer` would do, checked as it checks, nothing written. */
export async function planCommit(host: Host, ref: string, o: CommitOptions = {}): Promise<ChangePlan> {
  const c = host.store().containers.require(ref);
  refuseCniRecord(c, 'commit');
  const tag = o.ref ? normalizeImageRef(o.ref) : undefined;
  const imageId = imageOf(c);
  const p = containerPaths(host.paths, c.id);
  const src = (await exists(p.copy)) ? `${p.copy} (a full root copy: the image's one layer)` : p.upper;
  const notes = [
    ...(o.pause !== false ? ['pause the container while its files are read, if it runs'] : []),
    `write ${src} as a layer tar (whiteouts as .wh. files), unpack it into ${host.paths.root}/layers/DIFFID`,
    `store the image config (sha256:${imageId.slice(0, 12)}'s with the changes and a history entry) as ID`,
    ...(tag ? [`tag it ${tag}`] : []),
  ];
  return { operations: [], rules: '', notes };
}
