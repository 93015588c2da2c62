/**
 * What `netctl push` shows while it works: one line per layer state change, as `docker push`
 * words them (a layer is rebuilt and gzipped before it is sent, so there is no byte count).
 */
import type { PushEvent } from '../../ops/push.js';

const WORDS = {
  preparing: 'Preparing',
  pushing: 'Pushing',
  exists: 'Layer already exists',
  mounted: 'Mounted',
  done: 'Pushed',
} as const;

/** A progress display writing plain lines to OUT. */
export function pushProgress(out: NodeJS.WritableStream): (e: PushEvent) => void {
  return (e) => {
    if (e.kind === 'resolved') return void out.write(`The push refers to repository [${e.ref}] (${e.layers} layers)\n`);
    const from = e.state === 'mounted' && e.from ? ` from ${e.from}` : '';
    out.write(`${e.diffId.replace(/^sha256:/, '').slice(0, 12)}: ${WORDS[e.state]}${from}\n`);
  };
}
