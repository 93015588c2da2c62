/**
 * A stored layer's tar, rebuilt byte for byte from its unpacked files and its tar-split
 * (tar-split.ts), for push and save; and the gzip of it, written once to a file with both
 * digests known. Reading a file follows symlinks only inside the layer.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { SystemError } from '../errors.js';
import { resolveInRoot } from './layer-merge.js';
import type { TarEntry } from './tar-scan.js';
import { type SplitIndex, TarSplitter } from './tar-split.js';

/** Where a layer being unpacked writes its tar-split. */
export interface SplitSink {
  push(entries: TarEntry[], chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

/** A sink writing DIR/tar-split.gz and DIR/tar-split.json.gz. */
export function splitSink(dir: string): SplitSink {
  const splitter = new TarSplitter();
  // Level 9: headers and padding are a small part of the bytes unpacked, and these files
  // stay as long as the layer does (they are most of what the store keeps beside the files).
  const gz = createGzip({ level: 9 });
  const out = createWriteStream(`${dir}/tar-split.gz`, { mode: 0o600 });
  gz.pipe(out);
  return {
    async push(entries, chunk) {
      // One write per chunk: each write is a trip to zlib's thread pool, and a chunk of small
      // files holds hundreds of headers and paddings (a pull of the bench's image: ~100 ms CPU).
      const parts = splitter.push(entries, chunk);
      if (parts.length === 0) return;
      if (!gz.write(parts.length === 1 ? parts[0] : Buffer.concat(parts))) await once(gz, 'drain');
    },
    async end() {
      gz.end();
      await finished(out);
      await writeFile(`${dir}/tar-split.json.gz`, gzipSync(JSON.stringify(splitter.index()), { level: 9 }));
    },
  };
}

/** The split index of a stored layer directory, or why its tar cannot be rebuilt. */
export async function readSplit(dir: string): Promise<SplitIndex> {
  // tar-split.json: the plain index of layers stored by netctl before it was gzipped.
  const gz = await readFile(`${dir}/tar-split.json.gz`).catch(() => null);
  const text = gz ? gunzipSync(gz).toString('utf8') : await readFile(`${dir}/tar-split.json`, 'utf8').catch(() => null);
  if (text === null)
    throw new SystemError(`layer ${dir} has no tar-split (stored by an older netctl): pull or load it again`);
  const index = JSON.parse(text) as SplitIndex;
  if (index.broken) throw new SystemError(`layer ${dir} cannot be rebuilt: ${index.broken}`);
  return index;
}

async function* fileBytes(fsDir: string, name: string, size: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of createReadStream(resolveInRoot(fsDir, `${fsDir}/${name}`), { highWaterMark: 1 << 20 })) {
    n += (chunk as Buffer).length;
    if (n > size) break;
    yield chunk as Buffer;
  }
  if (n !== size) throw new SystemError(`layer file "${name}" changed since it was unpacked`);
}

/** The tar of the layer in DIR (`fs/` and its tar-split), in chunks. */
export async function* layerTar(dir: string): AsyncGenerator<Buffer> {
  const index = await readSplit(dir);
  const files = index.files;
  let f = 0;
  let raw = 0;
  for await (const c of createReadStream(`${dir}/tar-split.gz`).pipe(createGunzip())) {
    let chunk = c as Buffer;
    while (f < files.length && files[f]![0] <= raw + chunk.length) {
      const [at, size, name] = files[f++]!;
      if (at > raw) yield chunk.subarray(0, at - raw);
      chunk = chunk.subarray(at - raw);
      raw = at;
      yield* fileBytes(`${dir}/fs`, name, size);
    }
    raw += chunk.length;
    if (chunk.length) yield chunk;
  }
  while (f < files.length) {
    const [, size, name] = files[f++]!;
    yield* fileBytes(`${dir}/fs`, name, size);
  }
}

/** A layer written out: its file and digests. */
export interface LayerBlob {
  file: string;
  /** sha256 of the file's bytes. */
  digest: string;
  size: number;
  /** sha256 of the tar (the diff id it was checked against). */
  diffId: string;
}

/** Writes the tar of the layer in DIR to FILE, gzipped when GZIP; refused unless it is DIFF_ID's tar. */
export async function writeLayerBlob(dir: string, diffId: string, file: string, gzip: boolean): Promise<LayerBlob> {
  const tarHash = createHash('sha256');
  const outHash = createHash('sha256');
  let size = 0;
  const out = createWriteStream(file, { mode: 0o600 });
  const sink = gzip ? createGzip() : null;
  const target = sink ?? out;
  const counted = (b: Buffer) => {
    outHash.update(b);
    size += b.length;
  };
  if (sink) {
    sink.on('data', counted);
    sink.pipe(out);
  }
  try {
    for await (const chunk of layerTar(dir)) {
      tarHash.update(chunk);
      if (!sink) counted(chunk);
      if (!target.write(chunk)) await new Promise<void>((r) => target.once('drain', () => r()));
    }
    target.end();
    await finished(out);
  } catch (err) {
    out.destroy();
    await rm(file, { force: true });
    throw err;
  }
  const got = `sha256:${tarHash.digest('hex')}`;
  if (got !== diffId) {
    await rm(file, { force: true });
    throw new SystemError(`layer ${diffId} rebuilt as ${got}: its files changed since it was unpacked`);
  }
  return { file, digest: `sha256:${outHash.digest('hex')}`, size, diffId };
}
