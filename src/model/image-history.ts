/**
 * `netctl history`: the rows of an image's history, from the `history` of its image config
 * (oldest first there, newest first here, as Docker prints them), each entry that made a
 * layer matched with that layer's size. Pure, with Docker's duration and size wording.
 */

/** One entry of an image config's `history`. */
interface ConfigHistory {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** One row of `netctl history`, newest first. */
export interface HistoryRow {
  /** The image id on the newest row; null (Docker's `<missing>`) on the rows below it. */
  id: string | null;
  /** ISO 8601, or null when the config does not say. */
  created: string | null;
  createdBy: string;
  /** Bytes of the layer this step made; 0 for a step that made none. */
  size: number;
  comment: string;
  /** The diff id of the layer this step made, null for a step that made none. */
  layer: string | null;
}

function entries(config: unknown): ConfigHistory[] {
  const h = (config as { history?: unknown } | null)?.history;
  return Array.isArray(h) ? h.filter((e): e is ConfigHistory => typeof e === 'object' && e !== null) : [];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The history rows of image IMAGE_ID from its CONFIG document, LAYERS its diff ids bottom
 * first with their sizes. Entries not marked `empty_layer` take the layers in order; a
 * config without history (or with fewer layer entries than layers) gets one row per
 * unnamed layer, so every layer shows. ANCESTORS (its parent, the parent's parent..., with
 * their own row counts) name the rows they end at, as Docker shows a local build's step
 * images; the rows below the last one stored are `<missing>`.
 */
export function historyRows(
  imageId: string,
  config: unknown,
  layers: readonly { diffId: string; bytes: number }[],
  ancestors: readonly { id: string; rows: number }[] = [],
): HistoryRow[] {
  const rows: Omit<HistoryRow, 'id'>[] = [];
  let next = 0;
  for (const e of entries(config)) {
    const layer = e.empty_layer === true ? undefined : layers[next++];
    rows.push({
      created: str(e.created) || null,
      createdBy: str(e.created_by),
      size: layer?.bytes ?? 0,
      comment: str(e.comment),
      layer: layer?.diffId ?? null,
    });
  }
  for (const layer of layers.slice(next))
    rows.push({ created: null, createdBy: '', size: layer.bytes, comment: '', layer: layer.diffId });
  if (rows.length === 0) rows.push({ created: null, createdBy: '', size: 0, comment: '', layer: null });
  const ids = new Map<number, string>([[0, imageId]]);
  for (const a of ancestors) if (a.rows > 0 && a.rows < rows.length) ids.set(rows.length - a.rows, a.id);
  return rows.reverse().map((r, i) => ({ id: ids.get(i) ?? null, ...r }));
}

/** How long MS milliseconds is, as Docker says it (go-units HumanDuration: "5 seconds", "About an hour", "3 weeks"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** BYTES in decimal units with three significant digits, as Docker's history prints sizes ("0B", "1.23kB", "77.8MB"). */
export function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  const rounded = Number(size.toPrecision(3));
  // Go's %.3g writes 999.9 rounded up as 1e+03.
  return `${rounded >= 1000 ? '1e+03' : String(rounded)}${UNITS[unit]}`;
}

/** TEXT cut to MAX characters with a trailing ellipsis, as Docker's history truncates CREATED BY. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
