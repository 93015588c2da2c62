/**
 * `save`: stored images written out as an archive `docker load` reads (manifest.json,
 * repositories, the config as `<hex>.json`, each layer as `<diff id hex>/layer.tar`), or as an
 * OCI image layout (oci-layout, index.json, blobs/sha256/), in a tar or a directory. Layer
 * tars are rebuilt from the store (tar-split), so each has the diff id its config names and
 * is stored uncompressed, as `docker save` does; a layer shared by two images is written once.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Pack } from 'tar-stream';
import { lazyBuiltin } from '../sys/lazy-builtin.js';
import { buildManifest } from '../model/oci-manifest.js';
import type { ImageRecord } from './image-config.js';
import { imageConfigBlob } from './image-blob.js';
import { layerPaths } from './layer-store.js';
import { layerTar, readSplit } from './layer-tar.js';
import type { RuntimeRoots } from './paths.js';

// Loaded when a tar is written: every other command imports this file without needing it.
const tarStream = lazyBuiltin<typeof import('tar-stream')>('tar-stream');
const tarPack = (): Pack => tarStream().pack();

/** One image to save: its record and the names to give it. */
export interface SaveItem {
  rec: ImageRecord;
  names: string[];
}

/** Archive formats: docker (docker load), oci (OCI layout in a tar), oci-dir (OCI layout directory). */
export type SaveFormat = 'docker' | 'oci' | 'oci-dir';

/** Where the archive's files go. */
export interface SaveSink {
  bytes(name: string, data: Buffer): Promise<void>;
  stream(name: string, size: number, data: AsyncIterable<Buffer>): Promise<void>;
}

/** A sink writing a tar to PACK. */
export function tarSink(pack: Pack): SaveSink {
  const add = (name: string, size: number) => {
    let done!: (err?: Error | null) => void;
    const finished = new Promise<void>((res, rej) => (done = (e) => (e ? rej(e) : res())));
    const entry = pack.entry({ name, size, mode: 0o644, mtime: new Date(0) }, (e) => done(e));
    return { entry, finished };
  };
  return {
    async bytes(name, data) {
      const { entry, finished } = add(name, data.length);
      entry.end(data);
      await finished;
    },
    async stream(name, size, data) {
      const { entry, finished } = add(name, size);
      for await (const chunk of data)
        if (!entry.write(chunk)) await new Promise<void>((r) => entry.once('drain', () => r()));
      entry.end(Buffer.alloc(0));
      await finished;
    },
  };
}

/** A sink writing files under DIR. */
export function dirSink(dir: string): SaveSink {
  const put = async (name: string, data: Buffer | AsyncIterable<Buffer>) => {
    await mkdir(dirname(`${dir}/${name}`), { recursive: true });
    await writeFile(`${dir}/${name}`, data);
  };
  return { bytes: put, stream: (name, _size, data) => put(name, data) };
}

/** A new tar pack (re-exported so callers need not import tar-stream). */
export function newPack(): Pack {
  return tarPack();
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const hex = (d: string) => d.replace(/^sha256:/, '');

async function layers(
  r: RuntimeRoots,
  sink: SaveSink,
  diffIds: string[],
  written: Set<string>,
  path: (h: string) => string,
) {
  for (const d of diffIds) {
    if (written.has(d)) continue;
    written.add(d);
    const dir = layerPaths(r, d).dir;
    await sink.stream(path(hex(d)), (await readSplit(dir)).size, layerTar(dir));
  }
}

/** Writes ITEMS to SINK as `docker load` reads them. */
export async function saveDocker(r: RuntimeRoots, items: SaveItem[], sink: SaveSink): Promise<void> {
  const manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repos: Record<string, Record<string, string>> = {};
  const written = new Set<string>();
  for (const { rec, names } of items) {
    const { bytes, diffIds } = await imageConfigBlob(r, rec);
    const config = `${sha(bytes)}.json`;
    await sink.bytes(config, bytes);
    await layers(r, sink, diffIds, written, (h) => `${h}/layer.tar`);
    manifest.push({ Config: config, RepoTags: names, Layers: diffIds.map((d) => `${hex(d)}/layer.tar`) });
    for (const n of names) {
      const colon = n.lastIndexOf(':');
      (repos[n.slice(0, colon)] ??= {})[n.slice(colon + 1)] = hex(diffIds.at(-1) ?? '');
    }
  }
  await sink.bytes('manifest.json', Buffer.from(JSON.stringify(manifest)));
  if (Object.keys(repos).length) await sink.bytes('repositories', Buffer.from(JSON.stringify(repos)));
}

/** Writes ITEMS to SINK as an OCI image layout, one index entry per name. */
export async function saveOci(r: RuntimeRoots, items: SaveItem[], sink: SaveSink): Promise<void> {
  const index: Record<string, unknown>[] = [];
  const written = new Set<string>();
  await sink.bytes('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  for (const { rec, names } of items) {
    const { bytes, diffIds } = await imageConfigBlob(r, rec);
    await sink.bytes(`blobs/sha256/${sha(bytes)}`, bytes);
    const sizes: number[] = [];
    for (const d of diffIds) sizes.push((await readSplit(layerPaths(r, d).dir)).size);
    await layers(r, sink, diffIds, written, (h) => `blobs/sha256/${h}`);
    const cfg = { digest: `sha256:${sha(bytes)}`, size: bytes.length };
    const ls = diffIds.map((d, i) => ({ digest: d, size: sizes[i]!, gzip: false }));
    const m = buildManifest('oci', cfg, ls);
    await sink.bytes(`blobs/sha256/${sha(m)}`, m);
    const desc = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(m)}`,
      size: m.length,
    };
    for (const n of names.length ? names : [undefined]) {
      const tag = n?.slice(n.lastIndexOf(':') + 1);
      const annotations = n ? { 'io.containerd.image.name': n, 'org.opencontainers.image.ref.name': tag } : undefined;
      index.push({ ...desc, ...(annotations ? { annotations } : {}) });
    }
  }
  const doc = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index };
  await sink.bytes('index.json', Buffer.from(JSON.stringify(doc)));
}
