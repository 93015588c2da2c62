/**
 * The image config document (Docker's spelling) of images netctl makes, by `commit` and
 * `build`: the base's document (the bytes it was pulled or loaded with, else one written from
 * its record) changed and stored as a layered image whose id is the digest of the new bytes,
 * exactly as Docker's ids are, so `save` and `push` send it unchanged.
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from './image-config.js';
import { configFromOci } from './image-config.js';
import { configDocument } from './image-blob.js';
import { commitLayeredImage, hasImage, readImage, readRawConfig } from './image-store.js';
import type { RuntimeRoots } from './paths.js';

/** One history entry. */
export interface DocHistory {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** An image config document. */
export interface ImageDoc {
  architecture: string;
  os: string;
  created?: string;
  author?: string;
  comment?: string;
  /** The run config (`Env`, `Cmd`, `Healthcheck`, `OnBuild`...), in Docker's spelling. */
  config: Record<string, unknown>;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: DocHistory[];
  [k: string]: unknown;
}

/** The document of an empty image (`FROM scratch`). */
export function scratchDocument(arch = 'amd64'): ImageDoc {
  return { architecture: arch, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

/**
 * The document of stored image ID with DIFF_IDS as its layers (a flattened import's are
 * made by the caller); a base without history gets an entry per layer, as Docker's
 * history has one for each.
 */
export async function baseDocument(r: RuntimeRoots, id: string, diffIds: string[]): Promise<ImageDoc> {
  const raw = await readRawConfig(r, id);
  const rec = await readImage(r, id);
  const doc = (raw ? JSON.parse(raw.toString('utf8')) : configDocument(rec, diffIds)) as ImageDoc;
  if (!raw && rec.config.healthcheck) doc.config.Healthcheck = rec.config.healthcheck;
  doc.config ??= {};
  doc.rootfs = { type: 'layers', diff_ids: diffIds };
  const history = Array.isArray(doc.history) ? doc.history : [];
  const layered = history.filter((h) => !h.empty_layer).length;
  doc.history = layered === diffIds.length ? history : diffIds.map(() => ({ created: rec.created, created_by: '' }));
  return doc;
}

/** The id DOC is stored under: its config's digest. */
export function imageDocumentId(doc: ImageDoc): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

/** Stores DOC as a layered image (its layers must be stored), made on image PARENT; returns its record. */
export async function storeImageDocument(
  r: RuntimeRoots,
  doc: ImageDoc,
  source: ImageRecord['source'],
  parent?: string,
): Promise<ImageRecord> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const id = imageDocumentId(doc);
  if (await hasImage(r, id)) return readImage(r, id);
  const record: ImageRecord = {
    id,
    created: doc.created ?? new Date().toISOString(),
    source,
    layers: doc.rootfs.diff_ids,
    ...configFromOci(doc),
    ...(parent ? { parent } : {}),
  };
  await commitLayeredImage(r, record, bytes);
  return record;
}
