/**
 * Downloading one blob to a file, its sha256 and size checked while it streams. The bytes
 * go to `FILE.partial`; only a blob that matched its digest is renamed to FILE. A partial
 * file left by an interrupted pull is resumed with a Range request (its bytes hashed
 * again first), or restarted when the registry does not honour the range.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { messageOf, NetctlError, SystemError } from '../errors.js';
import type { RegistryClient } from './client.js';

/** A blob to fetch. */
export interface BlobDescriptor {
  digest: string;
  size: number;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => -1,
  );
}

async function hashFile(path: string): Promise<Hash> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h;
}

function startOf(contentRange: string | undefined): number {
  const m = contentRange ? /^bytes (\d+)-/.exec(contentRange) : null;
  return m ? Number(m[1]) : -1;
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
): Promise<{ resumedFrom: number }> {
  if ((await sizeOf(file)) === desc.size) return { resumedFrom: desc.size };
  const partial = `${file}.partial`;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
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
  const hash = offset > 0 ? await hashFile(partial) : createHash('sha256');
  onBytes(offset);
  let total = offset;
  const fh = await open(partial, 'a', 0o600);
  try {
    for await (const chunk of res) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > desc.size)
        throw new SystemError(`blob ${desc.digest} is larger than the ${desc.size} bytes announced`);
      hash.update(buf);
      await fh.write(buf);
      onBytes(buf.length);
    }
  } catch (err) {
    if (err instanceof NetctlError) throw err;
    throw new SystemError(
      `blob ${desc.digest}: connection ended after ${total} of ${desc.size} bytes (${messageOf(err)})`,
    );
  } finally {
    await fh.close();
  }
  const got = `sha256:${hash.digest('hex')}`;
  if (total !== desc.size || got !== desc.digest) {
    // A complete blob with the wrong bytes is worth nothing: the next pull starts it anew.
    if (total === desc.size) await rm(partial, { force: true });
    if (total < desc.size)
      throw new SystemError(`blob ${desc.digest}: connection ended after ${total} of ${desc.size} bytes`);
    throw new SystemError(`blob ${desc.digest} does not match its digest (got ${got}); nothing was stored`);
  }
  await rename(partial, file);
  return { resumedFrom: offset };
}
