/**
 * What `netctl pull` shows while it works: on a terminal, one line per layer redrawn in
 * place (state and bytes); elsewhere, one plain line per layer state change, no bytes.
 */
import type { PullEvent } from '../../ops/pull.js';
import { LiveRows } from './live-rows.js';

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function human(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)}${units[i]}`;
}

const WORDS = {
  exists: 'Already exists',
  waiting: 'Waiting',
  downloading: 'Downloading',
  unpacking: 'Unpacking',
  done: 'Pull complete',
} as const;

interface Row {
  digest: string;
  size: number;
  state: keyof typeof WORDS;
  bytes: number;
}

/** A progress display writing to OUT; `tty` redraws, otherwise plain lines. */
export function pullProgress(out: NodeJS.WritableStream, tty: boolean): (e: PullEvent) => void {
  const rows = new Map<string, Row>();
  const live = tty ? new LiveRows(out) : undefined;
  const line = (r: Row) =>
    `${short(r.digest)}: ${WORDS[r.state]}${r.state === 'downloading' ? (tty ? ` ${human(r.bytes)}/${human(r.size)}` : ` ${human(r.size)}`) : ''}`;
  return (e) => {
    if (e.kind === 'resolved') return void out.write(`Pulling ${e.ref} (${e.layers} layers)\n`);
    if (e.kind === 'retry') return void out.write(`${short(e.digest)}: retrying: ${e.error}\n`);
    let row = rows.get(e.digest);
    if (!row) {
      row = { digest: e.digest, size: e.kind === 'layer' ? e.size : 0, state: 'waiting', bytes: 0 };
      rows.set(e.digest, row);
    }
    if (e.kind === 'bytes') row.bytes += e.bytes;
    else row.state = e.state;
    if (live) live.set(e.digest, line(row), e.kind !== 'bytes');
    else if (e.kind !== 'bytes') out.write(`${line(row)}\n`);
  };
}

/** Bytes as `docker images` prints sizes. */
export { human as humanBytes };
