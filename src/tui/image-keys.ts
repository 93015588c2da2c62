/**
 * What keys do in the Images view and an image's history, as a pure reducer beside keys.ts:
 * `i` opens the view, up/down move, `h` or enter asks for the selected image's history
 * (an effect: the App reads it through its actions), esc or q goes back.
 */
import type { Effect, Key, UiState } from './keys.js';
import type { TuiImage, TuiSnapshot } from './snapshot.js';

/** The rows of the Images view. */
export function visibleImages(snap: TuiSnapshot): TuiImage[] {
  return snap.images ?? [];
}

/** The name an image row is known by (`repo:tag`, or its short id when untagged). */
export function imageName(r: TuiImage): string {
  return r.repository === '<none>' ? r.id.slice(0, 12) : `${r.repository}:${r.tag}`;
}

/** Applies one key in the Images view or a history. */
export function onImagesKey(s: UiState, key: Key, snap: TuiSnapshot): { state: UiState; effect?: Effect } {
  const back = key.escape || key.input === 'q';
  if (s.mode === 'history')
    return back || key.return || key.input === 'h' ? { state: { ...s, mode: 'images' } } : { state: s };
  if (back || key.input === 'i') return { state: { ...s, mode: 'normal' } };
  const rows = visibleImages(snap);
  if (key.upArrow || key.downArrow) {
    const image = Math.max(0, Math.min(rows.length - 1, s.image + (key.upArrow ? -1 : 1)));
    return { state: { ...s, image } };
  }
  if (key.input === 'r') return { state: { ...s, status: 'refreshing' }, effect: { kind: 'refresh' } };
  if (key.input === 'h' || key.return) {
    const row = rows[s.image];
    if (!row) return { state: { ...s, status: 'no image selected' } };
    const name = imageName(row);
    return {
      state: { ...s, status: `reading the history of ${name}...` },
      effect: { kind: 'history', ref: row.id, name },
    };
  }
  return { state: s };
}
