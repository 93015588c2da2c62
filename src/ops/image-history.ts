/**
 * `netctl history`: an image's history rows (model/image-history.ts) from the image config it
 * was stored with and the sizes of its layers in the layer store.
 */
import { historyRows, type HistoryRow } from '../model/image-history.js';
import { readRawConfig, resolveImage } from '../runtime/image-store.js';
import { readLayer } from '../runtime/layer-store.js';
import type { Host } from './host.js';

export type { HistoryRow } from '../model/image-history.js';

/** The history of the image REF names, newest step first; a missing layer counts 0 bytes (doctor names it). */
export async function imageHistory(host: Host, ref: string): Promise<HistoryRow[]> {
  const rec = await resolveImage(host.paths, ref);
  const raw = await readRawConfig(host.paths, rec.id);
  let config: unknown = null;
  try {
    config = raw ? (JSON.parse(raw.toString('utf8')) as unknown) : null;
  } catch {
    // A config that is not JSON has no history to show; the layers still do.
  }
  const layers = await Promise.all(
    (rec.layers ?? []).map(async (diffId) => ({
      diffId,
      bytes: await readLayer(host.paths, diffId).then(
        (m) => m.bytes,
        () => 0,
      ),
    })),
  );
  return historyRows(rec.id, config, layers);
}
