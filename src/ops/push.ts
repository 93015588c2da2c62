/**
 * `netctl push NAME[:TAG]`: a stored image to its registry. Per layer, cheapest first: a blob
 * the store knows holds it (pulled from, or pushed to, somewhere) that the repository already
 * has (HEAD), or that another repository of the same registry has (a cross-repository mount);
 * else the layer's tar is rebuilt from its files (tar-split, so its diff id and the image id
 * stay), gzipped once into a temporary file with both digests known, and uploaded. Then the
 * config and the manifest (Docker's v2 schema 2 unless `--format oci`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { blobExists, mountBlob, putBlob, putManifest, startUpload, uploadBlob } from '../registry/blob-upload.js';
import type { RegistryClient } from '../registry/client.js';
import { buildManifest, type ManifestFormat, MEDIA_TYPES } from '../registry/manifest.js';
import { formatRegistryRef, parseRegistryRef } from '../registry/reference.js';
import { imageConfigBlob } from '../runtime/image-blob.js';
import { resolveImage } from '../runtime/image-store.js';
import { readSplit, writeLayerBlob } from '../runtime/layer-tar.js';
import { pinLayers } from '../runtime/layer-pins.js';
import { addLayerSource, layerPaths, layerSources, layersDir, type LayerSource } from '../runtime/layer-store.js';
import type { RuntimeRoots } from '../runtime/paths.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';
import { type RegistryOptions, registryClient } from './pull.js';

/** What a push reports while it works. */
export type PushEvent =
  | { kind: 'resolved'; ref: string; layers: number }
  | { kind: 'layer'; diffId: string; state: 'preparing' | 'exists' | 'mounted' | 'pushing' | 'done'; from?: string };

/** Options of one push. */
export interface PushOptions extends RegistryOptions {
  format?: ManifestFormat;
  onEvent?: (e: PushEvent) => void;
}

/** What a push did. */
export interface PushedImage {
  ref: string;
  id: string;
  /** The manifest's digest and size. */
  digest: string;
  size: number;
  format: ManifestFormat;
  layers: { diffId: string; digest: string; size: number; how: 'exists' | 'mounted' | 'pushed' }[];
}

type LayerDone = PushedImage['layers'][number];

async function fromKnown(client: RegistryClient, diffId: string, known: LayerSource[]) {
  const here = client.ref.endpoint;
  const gz = known.filter((s) => /gzip/.test(s.mediaType));
  const seen = new Set<string>();
  let loc: string | undefined;
  for (const s of [...gz.filter((x) => x.registry === here), ...gz.filter((x) => x.registry !== here)]) {
    const done = (how: LayerDone['how']) => ({ diffId, digest: s.digest, size: s.size, how });
    if (s.registry === here && s.repository !== client.ref.repository && !loc) {
      const m = await mountBlob(client, s.digest, s.repository);
      if (m === true) return { hit: done('mounted'), from: s.repository };
      loc = m;
    }
    if (seen.has(s.digest)) continue;
    seen.add(s.digest);
    if (await blobExists(client, s.digest)) return { hit: done('exists') };
  }
  return { loc };
}

async function pushLayer(r: RuntimeRoots, client: RegistryClient, diffId: string, o: PushOptions): Promise<LayerDone> {
  const emit = o.onEvent ?? (() => undefined);
  const known = await fromKnown(client, diffId, await layerSources(r, diffId));
  let done = known.hit;
  if (!done) {
    emit({ kind: 'layer', diffId, state: 'preparing' });
    const tmp = `${layersDir(r)}/.tmp-${process.pid}-push-${randomBytes(6).toString('hex')}.gz`;
    try {
      const blob = await writeLayerBlob(layerPaths(r, diffId).dir, diffId, tmp, true);
      done = { diffId, digest: blob.digest, size: blob.size, how: 'exists' };
      if (!(await blobExists(client, blob.digest))) {
        emit({ kind: 'layer', diffId, state: 'pushing' });
        await putBlob(client, known.loc ?? (await startUpload(client)), { ...blob, file: tmp });
        done.how = 'pushed';
      }
    } finally {
      await rm(tmp, { force: true });
    }
  }
  const { endpoint, repository } = client.ref;
  const mediaType = MEDIA_TYPES.docker.gzip;
  await addLayerSource(r, diffId, { digest: done.digest, size: done.size, mediaType, registry: endpoint, repository });
  const from = 'from' in known ? known.from : undefined;
  emit({ kind: 'layer', diffId, state: done.how === 'pushed' ? 'done' : done.how, ...(from ? { from } : {}) });
  return done;
}

/** The registry reference of a push: NAME[:TAG], never a digest. */
export function pushRef(given: string) {
  const ref = parseRegistryRef(given);
  if (ref.digest) throw new UsageError(`cannot push to "${given}": give NAME[:TAG], not a digest`);
  return ref;
}

/** Pushes the image GIVEN names to the repository and tag of that name. */
export async function pushImage(host: Host, given: string, o: PushOptions = {}): Promise<PushedImage> {
  const ref = pushRef(given);
  const r = host.paths;
  const rec = await resolveImage(r, given);
  const { bytes: config, diffIds } = await imageConfigBlob(r, rec);
  const format = o.format ?? 'docker';
  const pin = await pinLayers(r, [...diffIds, rec.id]);
  try {
    // The token must also allow pulling from the repositories a layer may be mounted from.
    const known = (await Promise.all(diffIds.map((d) => layerSources(r, d)))).flat();
    const others = known.filter((s) => s.registry === ref.endpoint && s.repository !== ref.repository);
    const scopes = [...new Set(others.map((s) => `repository:${s.repository}:pull`))];
    const client = await registryClient(ref, o, 'pull,push', scopes);
    o.onEvent?.({ kind: 'resolved', ref: formatRegistryRef(ref), layers: diffIds.length });
    const layers: LayerDone[] = [];
    // One at a time: uploads share one link and one registry, and the order reads as docker's.
    for (const d of diffIds) layers.push(await pushLayer(r, client, d, o));
    const cfg = { digest: `sha256:${createHash('sha256').update(config).digest('hex')}`, size: config.length };
    await uploadBlob(client, { ...cfg, bytes: config });
    const manifest = buildManifest(
      format,
      cfg,
      layers.map((l) => ({ digest: l.digest, size: l.size, gzip: true })),
    );
    const digest = await putManifest(client, ref.tag ?? 'latest', manifest, MEDIA_TYPES[format].manifest);
    return { ref: formatRegistryRef(ref), id: rec.id, digest, size: manifest.length, format, layers };
  } finally {
    await pin.release();
  }
}

/**
 * What `pushImage` would do, checked as it checks (the name, the image, its config and each
 * layer's tar-split), with nothing sent: the registry is not asked which blobs it has.
 */
export async function planPush(host: Host, given: string, format: ManifestFormat): Promise<ChangePlan> {
  const ref = pushRef(given);
  const rec = await resolveImage(host.paths, given);
  const { bytes, diffIds } = await imageConfigBlob(host.paths, rec);
  const notes: string[] = [];
  for (const d of diffIds) {
    await readSplit(layerPaths(host.paths, d).dir);
    const known = (await layerSources(host.paths, d)).filter((s) => s.registry === ref.endpoint);
    const via = known.length ? `, or mount it from ${known.map((s) => s.repository).join(' or ')}` : '';
    notes.push(`layer ${d}: skip it if the repository has a blob of it${via}; else rebuild, gzip and upload it`);
  }
  notes.push(`upload the config (${bytes.length} bytes) unless the repository has it`);
  notes.push(`put a ${MEDIA_TYPES[format].manifest} manifest as ${formatRegistryRef(ref)}`);
  return { operations: [], rules: '', notes };
}
