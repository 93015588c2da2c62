/**
 * Detach keys as Docker takes them (`--detach-keys`, default `ctrl-p,ctrl-q`): a comma
 * list of single characters and `ctrl-X` (X one of a-z, @, [, \, ], ^, _); and the scanner
 * that finds them in the input, holding back a partial match until it is decided. Pure.
 */
import { UsageError } from '../errors.js';

/** Docker's default: Ctrl-P then Ctrl-Q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** The bytes of a detach key sequence. @throws UsageError naming a bad key. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((k) => {
    const key = k.trim();
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (ctrl) {
      const ch = ctrl[1]!.toLowerCase();
      if (ch >= 'a' && ch <= 'z') return ch.charCodeAt(0) - 96;
      const special = '@[\\]^_'.indexOf(ch);
      if (special >= 0) return special === 0 ? 0 : 26 + special;
    } else if (key.length === 1) return key.charCodeAt(0);
    throw new UsageError(
      `invalid detach keys "${spec}": "${key}" is not a character or ctrl-X (a-z, @, [, \\, ], ^, _)`,
    );
  });
}

/** What one chunk of input came to: the bytes to pass on, and whether the sequence was typed. */
export interface ScanResult {
  forward: Buffer;
  detach: boolean;
}

/** Finds `keys` in a stream of input chunks. */
export class DetachScanner {
  private matched = 0;

  constructor(private readonly keys: readonly number[]) {}

  /** Scans a chunk; bytes after a detach are dropped. */
  feed(chunk: Uint8Array): ScanResult {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.keys.length > 0 && b === this.keys[this.matched]) {
        if (++this.matched === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // A broken sequence: what was held back goes on, and this byte may start a new one.
      if (this.matched > 0) out.push(...this.keys.slice(0, this.matched));
      this.matched = b === this.keys[0] ? 1 : 0;
      if (this.matched === 0) out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
