/**
 * Container logs: the launcher writes one JSON object per line (native/launcher/log.c),
 * `{"t":"<ISO time>","s":"stdout"|"stderr","l":"<text>"}`, with `"p":true` on a piece of a
 * line (longer than 16 KiB, or output that ended without a newline).
 */
import { open, stat } from 'node:fs/promises';

/** One log record. */
export interface LogEntry {
  /** ISO 8601 time it was read from the container. */
  t: string;
  s: 'stdout' | 'stderr';
  /** The text, without its newline. */
  l: string;
  /** A piece of a line: print without a newline. */
  p?: boolean;
}

/** Parses log lines; lines that are not log records (a torn last line) are skipped. Pure. */
export function parseLogLines(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as LogEntry;
      if (typeof e.l === 'string' && (e.s === 'stdout' || e.s === 'stderr')) out.push(e);
    } catch {
      // an incomplete last line; it is read again when complete
    }
  }
  return out;
}

/** The text of an entry as the container wrote it. Pure. */
export function entryText(e: LogEntry): string {
  return e.p ? e.l : `${e.l}\n`;
}

const CHUNK = 64 * 1024;

/** The text of the file's last N lines or more (all of it without N), whole lines only. */
async function readTailText(path: string, n: number | undefined, size: number): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const parts: Buffer[] = [];
    let start = size;
    let newlines = 0;
    // n + 1 newlines: n whole lines after the (possibly cut) first one.
    while (start > 0 && (n === undefined || newlines <= n)) {
      const len = Math.min(CHUNK, start);
      start -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, start);
      parts.unshift(buf);
      for (const b of buf) if (b === 0x0a) newlines++;
    }
    let all = Buffer.concat(parts);
    if (start > 0) all = all.subarray(all.indexOf(0x0a) + 1);
    return all.toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Reads the log: every entry, or the last `tail`. Missing file: no entries. */
export async function readLogs(path: string, opts: { tail?: number } = {}): Promise<LogEntry[]> {
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0) return [];
  const entries = parseLogLines(await readTailText(path, opts.tail, size));
  return opts.tail === undefined ? entries : entries.slice(Math.max(0, entries.length - opts.tail));
}

/** Options of {@link followLogs}. */
export interface FollowOptions {
  tail?: number;
  /** Polled between reads: when it says true and nothing new came, following ends. */
  done?: () => Promise<boolean>;
  signal?: AbortSignal;
  /** Milliseconds between polls (default 100). */
  intervalMs?: number;
}

/** Calls `onEntry` for the existing entries (or the last `tail`), then for new ones as they come. */
export async function followLogs(path: string, opts: FollowOptions, onEntry: (e: LogEntry) => void): Promise<void> {
  // What is there now, and from exactly its end on: a size taken after the first read would
  // skip lines written in between (a container that starts printing at once).
  let offset = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  const first = offset > 0 ? parseLogLines(await readTailText(path, opts.tail, offset)) : [];
  for (const e of opts.tail === undefined ? first : first.slice(Math.max(0, first.length - opts.tail))) onEntry(e);
  let partial = '';
  while (!opts.signal?.aborted) {
    // Asked before looking, so that output written just before the end is not missed.
    const finished = opts.done ? await opts.done() : false;
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > offset) {
      const fh = await open(path, 'r');
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset).finally(() => fh.close());
      offset = size;
      const text = partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n') + 1;
      partial = text.slice(cut);
      for (const e of parseLogLines(text.slice(0, cut))) onEntry(e);
      continue;
    }
    if (finished) return;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
