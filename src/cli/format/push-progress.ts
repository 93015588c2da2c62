/**
 * What `netctl push` shows while it works: one line per layer state change, as `docker push`
 * words them (a layer is rebuilt and gzipped before it is sent, so there is no byte count); on a
 * terminal the rows are redrawn in place as `docker push` does.
 */
import type { PushEvent } from '../../ops/push.js';
import { LiveRows } from './live-rows.js';

const WORDS = {
  preparing: 'Preparing',
  pushing: 'Pushing',
  exists: 'Layer already exists',
  mounted: 'Mounted',
  done: 'Pushed',
} as const;

/** A progress display writing to OUT: on a terminal (`tty`) one row per layer redrawn in place, else plain lines. */
export function pushProgress(out: NodeJS.WritableStream, tty = false): (e: PushEvent) => void {
  const live = tty ? new LiveRows(out) : undefined;
  return (e) => {
    if (e.kind === 'resolved') return void out.write(`The push refers to repository [${e.ref}] (${e.layers} layers)\n`);
    const from = e.state === 'mounted' && e.from ? ` from ${e.from}` : '';
    const text = `${e.diffId.replace(/^sha256:/, '').slice(0, 12)}: ${WORDS[e.state]}${from}`;
    if (live) live.set(e.diffId, text, true);
    else out.write(`${text}\n`);
  };
}
