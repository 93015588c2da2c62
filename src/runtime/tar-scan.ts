/**
 * A tar header scanner: the names and types of an archive's members, fed in chunks, file
 * contents skipped. Enough to find whiteouts in an image layer before the system `tar`
 * extracts it. Understands ustar prefixes, GNU long names and PAX path records. Pure.
 */
import { SystemError } from '../errors.js';

/** One archive member. */
export interface TarEntry {
  /** Path as stored (no normalization). */
  name: string;
  /** The typeflag: `0` file, `1` hard link, `2` symlink, `5` directory... */
  type: string;
  /** Bytes of member data. */
  size: number;
  /** Target of a hard link or symlink (PAX `linkpath` and GNU long links understood). */
  linkname: string;
  /** Offset of its data in the stream (right after its header). */
  offset: number;
}

const BLOCK = 512;
const USTAR = Buffer.from('ustar\0', 'latin1');

function cstring(buf: Buffer, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function parseSize(buf: Buffer): number {
  const field = buf.subarray(124, 136);
  // GNU base-256 for sizes of 8 GiB and more.
  if ((field[0]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cstring(buf, 124, 12).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(buf: Buffer): boolean {
  const stored = parseInt(cstring(buf, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : buf[i]!;
  return sum === stored;
}

/** PAX extended header records: `LEN key=value\n`. */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!(len > 0) || pos + len > data.length) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Feed it the archive in chunks with `push`; it returns the members found so far. */
export class TarScanner {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of member data still to skip or collect. */
  private dataLeft = 0;
  private padLeft = 0;
  private collecting: { type: string; parts: Buffer[] } | null = null;
  private longName: string | undefined;
  private longLink: string | undefined;
  private paxPath: string | undefined;
  private paxLink: string | undefined;
  private done = false;
  /** Stream offset of the first pending byte. */
  private base = 0;

  /** Consumes a chunk; returns the members whose headers it completed. */
  push(chunk: Buffer): TarEntry[] {
    const out: TarEntry[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = this.base;
    while (!this.done) {
      if (this.dataLeft > 0 || this.padLeft > 0) {
        const before = buf.length;
        buf = this.skip(buf);
        at += before - buf.length;
        if (this.dataLeft > 0 || this.padLeft > 0) break;
        continue;
      }
      if (buf.length < BLOCK) break;
      const header = buf.subarray(0, BLOCK);
      buf = buf.subarray(BLOCK);
      at += BLOCK;
      const entry = this.header(header, at);
      if (entry) out.push(entry);
    }
    // After the end blocks nothing more is parsed: what follows is not kept.
    this.base = this.done ? at + buf.length : at;
    this.pending = this.done ? Buffer.alloc(0) : Buffer.from(buf);
    return out;
  }

  /** Call at the end of input: throws when the archive was cut short. */
  end(): void {
    if (!this.done && (this.dataLeft > 0 || this.pending.length > 0))
      throw new SystemError('tar archive ends in the middle of a member');
  }

  private skip(buf: Buffer): Buffer {
    if (this.dataLeft > 0) {
      const take = Math.min(this.dataLeft, buf.length);
      if (this.collecting) this.collecting.parts.push(Buffer.from(buf.subarray(0, take)));
      this.dataLeft -= take;
      buf = buf.subarray(take);
      if (this.dataLeft === 0 && this.collecting) this.finishCollect();
    }
    if (this.dataLeft === 0 && this.padLeft > 0) {
      const pad = Math.min(this.padLeft, buf.length);
      this.padLeft -= pad;
      buf = buf.subarray(pad);
    }
    return buf;
  }

  private finishCollect(): void {
    const { type, parts } = this.collecting!;
    const data = Buffer.concat(parts);
    this.collecting = null;
    if (type === 'L') this.longName = cstring(data, 0, data.length);
    else if (type === 'K') this.longLink = cstring(data, 0, data.length);
    else if (type === 'x') {
      const pax = parsePax(data);
      this.paxPath = pax.path ?? this.paxPath;
      this.paxLink = pax.linkpath ?? this.paxLink;
    }
  }

  private header(h: Buffer, offset: number): TarEntry | null {
    if (h.every((b) => b === 0)) {
      this.done = true;
      return null;
    }
    if (!checksumOk(h)) throw new SystemError('not a tar archive (bad header checksum)');
    const type = String.fromCharCode(h[156] || 0x30);
    const size = parseSize(h);
    this.dataLeft = size;
    this.padLeft = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x' || type === 'K' || type === 'g') {
      if (type === 'L' || type === 'x' || type === 'K') this.collecting = { type, parts: [] };
      if (size === 0 && this.collecting) this.finishCollect();
      return null;
    }
    // Only POSIX ustar has a name prefix; old GNU headers keep times in that field.
    const posix = h.subarray(257, 263).equals(USTAR);
    const prefix = posix ? cstring(h, 345, 155) : '';
    const base = cstring(h, 0, 100);
    const name = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/${base}` : base);
    const linkname = this.paxLink ?? this.longLink ?? cstring(h, 157, 100);
    this.paxPath = this.longName = this.paxLink = this.longLink = undefined;
    return { name, type, size, linkname, offset };
  }
}

/** Compression of an archive, from its first bytes. */
export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

const MAGIC: [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];

/** Recognizes the compression from the first bytes of a file. Pure. */
export function compressionOf(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) if (magic.every((b, i) => head[i] === b)) return kind;
  return 'none';
}

/** A member path as a relative path without "." components or slashes at either end. Pure. */
export function normalizeMember(name: string): string {
  return name
    .split('/')
    .filter((c) => c !== '' && c !== '.')
    .join('/');
}
