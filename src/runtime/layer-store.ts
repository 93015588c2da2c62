/**
 * The layer store: each image layer unpacked once, in overlayfs form, under
 * `<root>/layers/<hex of its diff id>/` (`fs/` and `meta.json`), shared by every image
 * whose record lists it. A layer is built in `.tmp-<pid>-*` and renamed into place, so a
 * killed pull never leaves half a layer under a real name; blobs being downloaded wait in
 * `.blobs/` (`<hex>.partial`), where the next pull resumes them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SystemError, wrap } from '../errors.js';
import type { LayerFacts } from './layer-check.js';
import { unpackLayer, unpackStream } from './layer-unpack.js';
import type { RuntimeRoots } from './paths.js';

const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** What the store keeps about one layer. */
export interface LayerMeta extends LayerFacts {
  diffId: string;
  /** When it was unpacked (ISO 8601). */
  created: string;
}

/** `<root>/layers`. */
export function layersDir(r: RuntimeRoots): string {
  return `${r.root}/layers`;
}

/** The hex part of a `sha256:` digest; throws on anything else. */
export function digestHex(digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw new SystemError(`unsupported digest "${digest}" (only sha256 is)`);
  return m[1]!;
}

/** Paths of one stored layer. */
export function layerPaths(r: RuntimeRoots, diffId: string): { dir: string; fs: string; meta: string } {
  const dir = `${layersDir(r)}/${digestHex(diffId)}`;
  return { dir, fs: `${dir}/fs`, meta: `${dir}/meta.json` };
}

/** Where a blob is downloaded to (`.partial` while it is incomplete). */
export function blobPath(r: RuntimeRoots, digest: string): string {
  return `${layersDir(r)}/.blobs/${digestHex(digest)}`;
}

/** Whether the layer with this diff id is stored. */
export async function hasLayer(r: RuntimeRoots, diffId: string): Promise<boolean> {
  return stat(layerPaths(r, diffId).meta).then(
    () => true,
    () => false,
  );
}

/** A stored layer's record. */
export async function readLayer(r: RuntimeRoots, diffId: string): Promise<LayerMeta> {
  try {
    return JSON.parse(await readFile(layerPaths(r, diffId).meta, 'utf8')) as LayerMeta;
  } catch (err) {
    throw wrap('read layer', diffId, err);
  }
}

/** Diff ids of every stored layer. */
export async function layerIds(r: RuntimeRoots): Promise<string[]> {
  const names = await readdir(layersDir(r)).catch(() => [] as string[]);
  return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what killed commands left half-built (`.tmp-<pid>-*` of a dead pid). */
export async function sweepLayerTemps(r: RuntimeRoots): Promise<void> {
  for (const n of await readdir(layersDir(r)).catch(() => [] as string[])) {
    const m = /^\.tmp-(\d+)-/.exec(n);
    if (m && !alive(Number(m[1]))) await rm(`${layersDir(r)}/${n}`, { recursive: true, force: true });
  }
}

/**
 * Unpacks the verified blob FILE as the layer DIFF_ID (checked against the uncompressed
 * stream) unless it is stored already; returns its record.
 */
export async function storeLayer(r: RuntimeRoots, file: string, diffId: string): Promise<LayerMeta> {
  return storeWith(r, diffId, (fs, tmp) => unpackLayer(file, fs, diffId, tmp));
}

/**
 * Unpacks the layer DIFF_ID from the uncompressed tar DATA opens (a blob being downloaded,
 * decompressed as it arrives), as `storeLayer` does; DATA is not opened when it is stored.
 */
export async function storeLayerStream(
  r: RuntimeRoots,
  data: () => Promise<Readable>,
  label: string,
  diffId: string,
): Promise<LayerMeta> {
  return storeWith(r, diffId, (fs, tmp) => unpackStream(data, label, fs, diffId, tmp));
}

type Unpack = (fs: string, tmp: string) => Promise<{ facts: LayerFacts }>;

async function storeWith(r: RuntimeRoots, diffId: string, unpack: Unpack): Promise<LayerMeta> {
  const final = layerPaths(r, diffId);
  if (await hasLayer(r, diffId)) return readLayer(r, diffId);
  const tmp = `${layersDir(r)}/.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(`${tmp}/fs`, { recursive: true, mode: 0o755 });
    const { facts } = await unpack(`${tmp}/fs`, tmp);
    const meta: LayerMeta = { diffId, created: new Date().toISOString(), ...facts };
    await writeFile(`${tmp}/meta.json`, `${JSON.stringify(meta)}\n`);
    await rename(tmp, final.dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another pull stored it first: theirs is the same bytes.
      if (err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err;
    });
    return meta;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A compressed blob known to hold a layer, and a repository that has it. */
export interface LayerSource {
  digest: string;
  size: number;
  mediaType: string;
  /** `host[:port]` and repository. */
  registry: string;
  repository: string;
}

/** The blobs a layer is known to have been pulled from or pushed as. */
export async function layerSources(r: RuntimeRoots, diffId: string): Promise<LayerSource[]> {
  const text = await readFile(`${layerPaths(r, diffId).dir}/sources.json`, 'utf8').catch(() => '[]');
  return JSON.parse(text) as LayerSource[];
}

/** Remembers that S holds the layer (so a push can skip or mount it); the last 16 are kept. */
export async function addLayerSource(r: RuntimeRoots, diffId: string, s: LayerSource): Promise<void> {
  const same = (a: LayerSource) => a.digest === s.digest && a.registry === s.registry && a.repository === s.repository;
  const list = await layerSources(r, diffId);
  if (list.some(same)) return;
  const file = `${layerPaths(r, diffId).dir}/sources.json`;
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify([...list, s].slice(-16)));
  await rename(tmp, file);
}

/** Deletes the stored layers not in KEEP; returns the diff ids deleted and the bytes they held. */
export async function removeLayersExcept(
  r: RuntimeRoots,
  keep: ReadonlySet<string>,
): Promise<{ removed: string[]; bytes: number }> {
  const removed: string[] = [];
  let bytes = 0;
  for (const id of await layerIds(r)) {
    if (keep.has(id)) continue;
    bytes += await readLayer(r, id).then(
      (m) => m.bytes,
      () => 0,
    );
    await rm(layerPaths(r, id).dir, { recursive: true, force: true });
    removed.push(id);
  }
  return { removed, bytes };
}
