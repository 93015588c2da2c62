/**
 * `netctl history`: an image's history rows (model/image-history.ts) from the image config it
 * was stored with and the sizes of its layers in the layer store; a locally built or committed
 * image names the step images it was made on (its parents) on their rows, as Docker does.
 */
import { historyRows, type HistoryRow } from '../model/image-history.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { readImage, readRawConfig, resolveImage } from '../runtime/image-store.js';
import { readLayer } from '../runtime/layer-store.js';
import type { Host } from './host.js';

export type { HistoryRow } from '../model/image-history.js';

/** The image config stored with image ID, parsed; null when there is none or it is not JSON. */
export async function imageConfigDocument(host: Host, id: string): Promise<unknown> {
  const raw = await readRawConfig(host.paths, id);
  try {
    return raw ? (JSON.parse(raw.toString('utf8')) as unknown) : null;
  } catch {
    // A config that is not JSON has no history to show; the layers still do.
    return null;
  }
}

async function rowsOf(host: Host, rec: ImageRecord, ancestors: { id: string; rows: number }[] = []) {
  const layers = await Promise.all(
    (rec.layers ?? []).map(async (diffId) => ({
      diffId,
      bytes: await readLayer(host.paths, diffId).then(
        (m) => m.bytes,
        () => 0,
      ),
    })),
  );
  return historyRows(rec.id, await imageConfigDocument(host, rec.id), layers, ancestors);
}

// The stored parents of REC, nearest first (at most 500: a chain is as long as a Dockerfile).
async function ancestorsOf(host: Host, rec: ImageRecord): Promise<{ id: string; rows: number }[]> {
  const out: { id: string; rows: number }[] = [];
  let parent = rec.parent;
  while (parent && out.length < 500) {
    const p = await readImage(host.paths, parent).catch(() => undefined);
    if (!p) break;
    out.push({ id: p.id, rows: (await rowsOf(host, p)).length });
    parent = p.parent;
  }
  return out;
}

/** The history of the image REF names, newest step first; a missing layer counts 0 bytes (doctor names it). */
export async function imageHistory(host: Host, ref: string): Promise<HistoryRow[]> {
  const rec = await resolveImage(host.paths, ref);
  return rowsOf(host, rec, await ancestorsOf(host, rec));
}
