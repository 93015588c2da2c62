/**
 * Reading an unpacked image archive: a `docker save` directory (manifest.json) or an OCI
 * image layout (index.json, oci-layout, blobs/). Gives, per image, the config and layer
 * files in order and the names it carries. Files are looked up inside the archive only.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { SystemError, UsageError } from '../errors.js';
import { resolveInRoot } from './layer-merge.js';
import { GOARCH } from '../model/platform.js';

/** One image found in an archive. */
export interface ArchiveImage {
  format: 'docker-save' | 'oci';
  /** Absolute paths inside the unpacked archive. */
  config: string;
  layers: string[];
  /** Names as the archive gives them (`busybox:latest`, maybe with a registry). */
  tags: string[];
}

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

interface Descriptor {
  mediaType?: string;
  digest?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

/** A regular file at REL inside BASE (symlinks followed, but only inside BASE). */
async function fileIn(base: string, rel: string): Promise<string> {
  if (typeof rel !== 'string' || rel === '') throw new SystemError('image archive: an empty path in its manifest');
  const path = resolveInRoot(base, `${base}/${posix.normalize(`/${rel}`)}`);
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new SystemError(`image archive: "${rel}" is missing or not a file`);
  return path;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    throw new SystemError(`image archive: "${posix.basename(path)}" is not valid JSON`, { cause: err });
  }
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The blob a descriptor names, checked against its digest. */
async function blob(base: string, digest: unknown): Promise<string> {
  const m = typeof digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(digest) : null;
  if (!m) throw new SystemError(`image archive: unsupported digest "${String(digest)}"`);
  const path = await fileIn(base, `blobs/sha256/${m[1]}`);
  if ((await sha256(path)) !== m[1]) throw new SystemError(`image archive: blob ${m[1]} does not match its digest`);
  return path;
}

async function dockerSave(base: string): Promise<ArchiveImage[]> {
  const doc = await readJson(`${base}/manifest.json`);
  if (!Array.isArray(doc)) throw new SystemError('image archive: manifest.json is not a list');
  const out: ArchiveImage[] = [];
  for (const item of doc as { Config?: string; RepoTags?: string[] | null; Layers?: string[] }[]) {
    const layers = await Promise.all((item.Layers ?? []).map((l) => fileIn(base, l)));
    out.push({
      format: 'docker-save',
      config: await fileIn(base, item.Config ?? ''),
      layers,
      tags: item.RepoTags ?? [],
    });
  }
  return out;
}

function nameOf(d: Descriptor): string | undefined {
  const a = d.annotations ?? {};
  const ref = a['org.opencontainers.image.ref.name'];
  // A bare ref.name is only a tag ("latest"); without a repository there is no name to give.
  return a['io.containerd.image.name'] ?? (ref && /[:/]/.test(ref) ? ref : undefined);
}

function pickPlatform(list: Descriptor[]): Descriptor | undefined {
  const arch = GOARCH[process.arch] ?? process.arch;
  const real = list.filter((d) => d.platform?.os !== 'unknown');
  return (
    real.find((d) => d.platform?.os === 'linux' && d.platform.architecture === arch) ??
    real.find((d) => !d.platform) ??
    real[0]
  );
}

async function ociManifest(
  base: string,
  d: Descriptor,
  name: string | undefined,
  depth: number,
): Promise<ArchiveImage | null> {
  if (depth > 4) throw new SystemError('image archive: image indexes nested too deep');
  const doc = (await readJson(await blob(base, d.digest))) as {
    mediaType?: string;
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
  };
  if (INDEX_TYPES.includes(d.mediaType ?? '') || Array.isArray(doc.manifests)) {
    const pick = pickPlatform(doc.manifests ?? []);
    return pick ? ociManifest(base, pick, name ?? nameOf(pick), depth + 1) : null;
  }
  if (!doc.config) throw new SystemError(`image archive: manifest ${d.digest} has no config`);
  const layers: string[] = [];
  for (const l of doc.layers ?? []) layers.push(await blob(base, l.digest));
  return { format: 'oci', config: await blob(base, doc.config.digest), layers, tags: name ? [name] : [] };
}

async function ociLayout(base: string): Promise<ArchiveImage[]> {
  const index = (await readJson(`${base}/index.json`)) as { manifests?: Descriptor[] };
  const out: ArchiveImage[] = [];
  for (const d of index.manifests ?? []) {
    const img = await ociManifest(base, d, nameOf(d), 0);
    if (!img) continue;
    const same = out.find((o) => o.config === img.config);
    if (same) same.tags.push(...img.tags.filter((t) => !same.tags.includes(t)));
    else out.push(img);
  }
  return out;
}

/** The images in an unpacked archive directory. */
export async function readArchive(base: string): Promise<ArchiveImage[]> {
  const exists = (p: string): Promise<boolean> =>
    stat(`${base}/${p}`).then(
      (s) => s.isFile(),
      () => false,
    );
  if (await exists('manifest.json')) return dockerSave(base);
  if ((await exists('index.json')) && (await exists('oci-layout'))) return ociLayout(base);
  throw new UsageError(
    'not a `docker save` or OCI image archive: it has neither manifest.json nor index.json with oci-layout',
  );
}
