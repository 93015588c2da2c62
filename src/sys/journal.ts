/**
 * Log entries straight to systemd-journald's native socket, with one journal field per
 * structured field of the line (`container=web` -> CONTAINER=web), so that `journalctl
 * CONTAINER=web` or `-o json` finds them; a stream line (stderr to the journal) only carries
 * MESSAGE and PRIORITY. The wire format is journald's native protocol (systemd's
 * JOURNAL_NATIVE_PROTOCOL document): `KEY=value\n`, or for a value with a newline `KEY\n`, its
 * length as 64-bit little endian, the bytes, `\n`. The encoding is pure; the send is the addon's.
 */
import { journalSend } from './native.js';

/** journald's native socket. */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

/**
 * The journal field name of a logfmt key: upper case, `_` for anything else, no leading `_`
 * or digit (those are journald's trusted or invalid names), 64 characters at most. Pure.
 */
export function fieldName(key: string): string | undefined {
  const name = key
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^[_0-9]+/, '')
    .slice(0, 64);
  return name === '' ? undefined : name;
}

/** One entry in the native format; later fields of the same name are kept too (journald allows it). Pure. */
export function encodeEntry(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    const value = Buffer.from(v, 'utf8');
    if (!value.includes(0x0a)) {
      parts.push(Buffer.from(`${k}=`), value, Buffer.from('\n'));
      continue;
    }
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(value.length));
    parts.push(Buffer.from(`${k}\n`), size, value, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** Sends one entry to SOCKET; false when it could not (no journald, no addon, a full buffer). */
export function sendEntry(fields: ReadonlyArray<readonly [string, string]>, socket = JOURNAL_SOCKET): boolean {
  try {
    return journalSend(socket, encodeEntry(fields)) === 0;
  } catch {
    return false;
  }
}
