/**
 * Saving a stream (stdin) to a file, because tar needs a seekable file to recognize
 * compression and the loaders read archives more than once.
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError, wrap } from '../errors.js';

/** Refuses an interactive terminal as an archive's stream: reading it would wait forever. */
export function refuseTerminal(stream: Readable & { isTTY?: boolean }): void {
  if (stream.isTTY) throw new UsageError('refusing to read an archive from a terminal', 'pipe it in, or give a file');
}

/** Writes STREAM to FILE; refuses an interactive terminal, which would wait forever. */
export async function spoolToFile(stream: Readable & { isTTY?: boolean }, file: string): Promise<void> {
  refuseTerminal(stream);
  try {
    await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    throw wrap('read', 'stdin', err);
  }
}
