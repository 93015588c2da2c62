/**
 * One layer of a pull. A gzip or plain tar blob is unpacked as it downloads, in one pass:
 * the bytes are hashed (the blob digest), appended to `.blobs/HEX.partial` for a later
 * resume, gunzipped, hashed again (the diff id), checked member by member and fed to tar in
 * a temporary layer directory that is renamed into place only once both digests matched.
 * Other compressions (zstd) are downloaded whole first, then unpacked from the file. A
 * dropped connection is retried from the partial blob (its bytes unpacked again from the
 * file, the rest with a Range request); any other failure removes it. A blob gunzip refuses is
 * fetched again whole and checked, so a corrupt one is named by its digest, not by zlib.
 */
import { rm } from 'node:fs/promises';
import { causeWhere } from '../errors.js';
import { blobChunks, fetchBlob, isInterrupted } from '../registry/blob-fetch.js';
import type { RegistryClient } from '../registry/client.js';
import type { Descriptor } from '../registry/manifest.js';
import { decompressedFrom } from '../runtime/image-layer.js';
import { addLayerSource, blobPath, hasLayer, storeLayer, storeLayerStream } from '../runtime/layer-store.js';
import type { RuntimeRoots } from '../runtime/paths.js';
import type { PullOptions } from './pull.js';

const RETRIES = 3;

const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** Whether a layer of MEDIA_TYPE is unpacked as it downloads (gzip and plain tars are). */
export function streamed(mediaType: string): boolean {
  return /(\.|\+)gzip$|[./]tar$/.test(mediaType);
}

function sourceOf(client: RegistryClient, d: Descriptor) {
  return {
    digest: d.digest,
    size: d.size,
    mediaType: d.mediaType ?? DOCKER_GZIP,
    registry: client.ref.endpoint,
    repository: client.ref.repository,
  };
}

type Emit = NonNullable<PullOptions['onEvent']>;

/** Downloads the blob whole, then unpacks it from the file (compressions unpacked by a program). */
async function viaFile(r: RuntimeRoots, client: RegistryClient, d: Descriptor, diffId: string, emit: Emit) {
  const file = blobPath(r, d.digest);
  await fetchBlob(client, d, file, (bytes) => emit({ kind: 'bytes', digest: d.digest, bytes }));
  emit({ kind: 'layer', digest: d.digest, size: d.size, state: 'unpacking' });
  try {
    await storeLayer(r, file, diffId);
  } finally {
    await rm(file, { force: true });
  }
}

/** Unpacks the blob as it arrives. */
async function inOnePass(r: RuntimeRoots, client: RegistryClient, d: Descriptor, diffId: string, emit: Emit) {
  let got = 0;
  const onBytes = (bytes: number) => {
    emit({ kind: 'bytes', digest: d.digest, bytes });
    got += bytes;
    // The last bytes are in: what is left is tar writing the files.
    if (got === d.size) emit({ kind: 'layer', digest: d.digest, size: d.size, state: 'unpacking' });
  };
  const partial = `${blobPath(r, d.digest)}.partial`;
  try {
    await storeLayerStream(r, async () => decompressedFrom(blobChunks(client, d, partial, onBytes)), d.digest, diffId);
  } catch (err) {
    if (!undecodable(err)) throw err;
    // gunzip can trip on a corrupt blob's bytes before its last chunk is hashed: the blob's own
    // digest says whose fault it is. A blob that matches it is a bad layer; one that does not
    // is refused as the digest check refuses it (fetchBlob throws and removes what it got).
    await fetchBlob(client, d, blobPath(r, d.digest));
    await rm(blobPath(r, d.digest), { force: true });
    throw err;
  }
}

/** Whether ERR (or an error it wraps) is zlib refusing the bytes it was given. */
export function undecodable(err: unknown): boolean {
  return causeWhere(err, (e) => String((e as { code?: unknown }).code).startsWith('Z_')) !== undefined;
}

/** Stores layer D (diff id DIFF_ID) unless it is stored; returns the bytes downloaded. */
export async function pullLayer(
  r: RuntimeRoots,
  client: RegistryClient,
  d: Descriptor,
  diffId: string,
  o: PullOptions,
): Promise<number> {
  const emit: Emit = o.onEvent ?? (() => undefined);
  if (await hasLayer(r, diffId)) {
    await addLayerSource(r, diffId, sourceOf(client, d));
    return (emit({ kind: 'layer', digest: d.digest, size: d.size, state: 'exists' }), 0);
  }
  emit({ kind: 'layer', digest: d.digest, size: d.size, state: 'downloading' });
  const partial = `${blobPath(r, d.digest)}.partial`;
  for (let attempt = 1; ; attempt++) {
    try {
      if (streamed(d.mediaType ?? DOCKER_GZIP)) await inOnePass(r, client, d, diffId, emit);
      else await viaFile(r, client, d, diffId, emit);
      break;
    } catch (err) {
      const cut = isInterrupted(err);
      // Only what a dropped connection left is worth resuming.
      if (!cut) await rm(partial, { force: true });
      if (!cut || attempt > RETRIES) throw cut ?? err;
      emit({ kind: 'retry', digest: d.digest, error: cut.message });
    }
  }
  await rm(partial, { force: true });
  await addLayerSource(r, diffId, sourceOf(client, d));
  emit({ kind: 'layer', digest: d.digest, size: d.size, state: 'done' });
  return d.size;
}

/** Runs FN over ITEMS, at most LIMIT at once; the first failure is thrown once all have settled. */
export async function pool<T, R>(items: T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return out;
}
