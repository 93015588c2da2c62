/**
 * Downloading one blob, its sha256 and size checked while it streams. The bytes go to
 * `FILE.partial`; a partial file left by an interrupted pull is resumed with a Range request
 * (its bytes hashed again first), or restarted when the registry does not honour the range.
 * `fetchBlob` keeps a blob that matched its digest as FILE; `blobChunks` hands the bytes on
 * as they arrive (a pull unpacks them in the same pass) and checks the digest before its
 * last chunk is followed by the end, so a reader never sees a complete wrong blob.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { causeWhere, messageOf, NetctlError, SystemError } from '../errors.js';
import type { RegistryClient } from './client.js';

/** A blob to fetch. */
export interface BlobDescriptor {
  digest: string;
  size: number;
}

/** The connection ended before the whole blob came: what came is kept for the next attempt. */
export class BlobInterrupted extends SystemError {}

/** Whether ERR (or an error it wraps) is an interrupted download, which a retry resumes. */
export function isInterrupted(err: unknown): BlobInterrupted | undefined {
  return causeWhere(err, (e) => e instanceof BlobInterrupted) as BlobInterrupted | undefined;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => -1,
  );
}

function startOf(contentRange: string | undefined): number {
  const m = contentRange ? /^bytes (\d+)-/.exec(contentRange) : null;
  return m ? Number(m[1]) : -1;
}

/** The response for the rest of PARTIAL's blob, and where it starts (0: the partial was dropped). */
async function resume(client: RegistryClient, desc: BlobDescriptor, partial: string) {
  await mkdir(dirname(partial), { recursive: true, mode: 0o700 });
  let offset = Math.max(0, await sizeOf(partial));
  if (offset >= desc.size) offset = 0;
  let res = await client.blob(desc.digest, offset);
  if (offset > 0 && (res.statusCode !== 206 || startOf(res.headers['content-range'] as string) !== offset)) {
    res.resume();
    offset = 0;
    res = await client.blob(desc.digest, 0);
  }
  if (res.statusCode === 416) throw new SystemError(`blob ${desc.digest}: registry refused the range`);
  if (offset === 0) await truncate(partial, 0).catch(() => undefined);
  return { res, offset };
}

/** Checks the whole blob's size and digest; a complete wrong blob's partial file is removed. */
async function verify(desc: BlobDescriptor, partial: string, total: number, hash: Hash): Promise<void> {
  const got = `sha256:${hash.digest('hex')}`;
  if (total === desc.size && got === desc.digest) return;
  // A complete blob with the wrong bytes is worth nothing: the next pull starts it anew.
  if (total === desc.size) await rm(partial, { force: true });
  if (total < desc.size)
    throw new BlobInterrupted(`blob ${desc.digest}: connection ended after ${total} of ${desc.size} bytes`);
  throw new SystemError(`blob ${desc.digest} does not match its digest (got ${got}); nothing was stored`);
}

/**
 * The bytes of DESC, from PARTIAL's resumed bytes on, each also appended to PARTIAL and
 * hashed; throws before the end when the blob is short, long or not DESC's. ON_BYTES is told
 * of every chunk, and first of the bytes resumed. The caller removes PARTIAL once it has
 * what it needed from the bytes.
 */
export async function* blobChunks(
  client: RegistryClient,
  desc: BlobDescriptor,
  partial: string,
  onBytes: (n: number) => void = () => undefined,
): AsyncGenerator<Buffer> {
  const { res, offset } = await resume(client, desc, partial);
  const hash = createHash('sha256');
  let replayed = offset === 0;
  try {
    if (offset > 0)
      for await (const chunk of createReadStream(partial, { end: offset - 1, highWaterMark: 1 << 20 })) {
        hash.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    replayed = true;
  } finally {
    if (!replayed) res.destroy();
  }
  onBytes(offset);
  const out = createWriteStream(partial, { flags: 'a', mode: 0o600 });
  const total = yield* received(res, desc, offset, hash, out, onBytes);
  await verify(desc, partial, total, hash);
}

async function* received(
  res: IncomingMessage,
  desc: BlobDescriptor,
  offset: number,
  hash: Hash,
  out: ReturnType<typeof createWriteStream>,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer, number> {
  let total = offset;
  try {
    for await (const chunk of res) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > desc.size)
        throw new SystemError(`blob ${desc.digest} is larger than the ${desc.size} bytes announced`);
      hash.update(buf);
      // Buffered: the partial file is only for a later resume, so no write is waited for here.
      out.write(buf);
      onBytes(buf.length);
      yield buf;
    }
  } catch (err) {
    res.destroy();
    if (err instanceof NetctlError) throw err;
    throw new BlobInterrupted(
      `blob ${desc.digest}: connection ended after ${total} of ${desc.size} bytes (${messageOf(err)})`,
    );
  } finally {
    // A reader that stopped early (a refused member) has no use for the rest.
    res.destroy();
    out.end();
    await finished(out).catch(() => undefined);
  }
  return total;
}

/**
 * Fetches DESC into FILE (nothing done when FILE exists: it was checked when it was
 * written). ON_BYTES is told of every chunk, and first of the bytes resumed.
 */
export async function fetchBlob(
  client: RegistryClient,
  desc: BlobDescriptor,
  file: string,
  onBytes: (n: number) => void = () => undefined,
): Promise<void> {
  if ((await sizeOf(file)) === desc.size) return;
  const partial = `${file}.partial`;
  for await (const _ of blobChunks(client, desc, partial, onBytes)) {
    // blobChunks wrote and checked the bytes: only the file it leaves is wanted.
  }
  await rename(partial, file);
}
