/**
 * Tar-split, as Docker keeps it: when a layer is unpacked, every byte of its tar that is not
 * a regular file's contents (headers, PAX records, padding, the end blocks) is kept aside,
 * with where each file's contents went. From that and the unpacked files the exact tar comes
 * back, so a pushed or saved layer has the diff id its image config names and the image keeps
 * its id. `TarSplitter` is pure; the files are `tar-split.gz` (the kept bytes, gzipped) and
 * `tar-split.json.gz` (the file list, gzipped) beside the layer's `fs/`.
 */
import type { TarEntry } from './tar-scan.js';
import { normalizeMember } from './tar-scan.js';

/** Where one file's contents go back: RAW_AT bytes into the kept stream, SIZE bytes of fs/NAME. */
export type SplitFile = [rawAt: number, size: number, name: string];

/** The file list of a split, and the tar's total length. */
export interface SplitIndex {
  version: 1;
  /** Bytes of the whole tar. */
  size: number;
  files: SplitFile[];
  /** Set when the tar cannot be rebuilt from the unpacked files (a path written twice). */
  broken?: string;
}

const CONTENTS = new Set(['0', '7']);

/** Splits a tar stream fed in chunks with the scanner's entries for each chunk. */
export class TarSplitter {
  private pos = 0;
  private rawLen = 0;
  private readonly queue: { start: number; end: number; name: string }[] = [];
  private readonly seen = new Set<string>();
  readonly files: SplitFile[] = [];
  private broken: string | undefined;

  /** Takes the entries whose headers the chunk completed, then the chunk; returns its kept bytes. */
  push(entries: TarEntry[], chunk: Buffer): Buffer[] {
    for (const e of entries) {
      if (!CONTENTS.has(e.type) || e.size === 0) continue;
      const name = normalizeMember(e.name);
      if (this.seen.has(name)) this.broken ??= `"${name}" is written twice`;
      this.seen.add(name);
      this.queue.push({ start: e.offset, end: e.offset + e.size, name });
    }
    const kept: Buffer[] = [];
    let at = 0;
    const end = this.pos + chunk.length;
    while (at < chunk.length) {
      const next = this.queue[0];
      const abs = this.pos + at;
      if (!next || next.start >= end) {
        kept.push(chunk.subarray(at));
        this.rawLen += chunk.length - at;
        break;
      }
      if (abs < next.start) {
        const n = next.start - abs;
        kept.push(chunk.subarray(at, at + n));
        this.rawLen += n;
        at += n;
        continue;
      }
      if (abs === next.start) this.files.push([this.rawLen, next.end - next.start, next.name]);
      const skip = Math.min(next.end, end) - abs;
      at += skip;
      if (abs + skip === next.end) this.queue.shift();
    }
    this.pos = end;
    return kept;
  }

  /** The index once the whole stream went through. */
  index(): SplitIndex {
    return { version: 1, size: this.pos, files: this.files, ...(this.broken ? { broken: this.broken } : {}) };
  }
}

/** The pieces of a rebuilt tar, in order: kept bytes (a range of the kept stream) or a file. */
export type SplitPiece = { raw: number; len: number } | { file: string; len: number };

/** The order of pieces that rebuilds the tar of INDEX whose kept stream is RAW_LEN bytes. Pure. */
export function splitPieces(index: SplitIndex, rawLen: number): SplitPiece[] {
  const out: SplitPiece[] = [];
  let raw = 0;
  for (const [at, size, name] of index.files) {
    if (at > raw) out.push({ raw, len: at - raw });
    raw = at;
    out.push({ file: name, len: size });
  }
  if (rawLen > raw) out.push({ raw, len: rawLen - raw });
  return out;
}
