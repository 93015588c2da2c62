/**
 * `netctl pull`: an image from an OCI distribution registry into the layer store. The
 * manifest (the host's platform chosen from an index), then the config, then every layer
 * not stored yet, several at once (pull-layer.ts): each blob is unpacked once into its own
 * layer directory as it downloads, its digest and its uncompressed digest (the config's diff
 * id) checked while it streams. The image record comes last, so an interrupted pull leaves
 * no image, no half layer, and a partial blob the next pull resumes.
 */
import { createHash } from 'node:crypto';
import { SystemError } from '../errors.js';
import { defaultAuthFile, getCredentials } from '../registry/auth-file.js';
import { expectOk, RegistryClient } from '../registry/client.js';
import {
  type Descriptor,
  diffIds,
  hostPlatform,
  isIndex,
  parseManifest,
  parsePlatform,
  pickManifest,
} from '../registry/manifest.js';
import { formatRegistryRef, parseRegistryRef, type RegistryRef } from '../registry/reference.js';
import { DEFAULT_CERTS_DIR, readBody, Transport } from '../registry/transport.js';
import { configFromOci, type ImageRecord } from '../runtime/image-config.js';
import { commitLayeredImage, hasImage, readImage, tagImage, writeImageRecord } from '../runtime/image-store.js';
import { sweepLayerTemps } from '../runtime/layer-store.js';
import type { RuntimeRoots } from '../runtime/paths.js';
import { pinLayers } from '../runtime/layer-pins.js';
import type { Host } from './host.js';
import { pool, pullLayer } from './pull-layer.js';
import type { ChangePlan } from './tx.js';

/** How a pull reaches registries. */
export interface RegistryOptions {
  /** Credentials file (Docker's config.json format). */
  authFile?: string;
  /** Per-registry CA directories. */
  certsDir?: string;
  /** Registries reached over plain HTTP or unverified TLS (`host[:port]`). */
  insecure?: string[];
}

/** What a pull reports while it works. */
export type PullEvent =
  | { kind: 'resolved'; ref: string; digest: string; layers: number }
  | { kind: 'layer'; digest: string; size: number; state: 'exists' | 'waiting' | 'downloading' | 'unpacking' | 'done' }
  | { kind: 'bytes'; digest: string; bytes: number }
  | { kind: 'retry'; digest: string; error: string };

/** Options of one pull. */
export interface PullOptions extends RegistryOptions {
  platform?: string;
  /** Layers fetched at once (default 3). */
  concurrency?: number;
  onEvent?: (e: PullEvent) => void;
}

/** What a pull stored. */
export interface PulledImage {
  id: string;
  /** The name it was tagged with (`nginx:latest`), absent for a pull by digest alone. */
  tag?: string;
  digest: string;
  /** `NAME@sha256:...`. */
  repoDigest: string;
  layers: number;
  /** Layers downloaded by this pull (the rest were stored already). */
  newLayers: number;
  /** Compressed bytes downloaded. */
  downloaded: number;
}

/** The CA directory: the option, else NETCTL_CERTS_DIR, else /etc/docker/certs.d. */
export function certsDirOf(o: RegistryOptions): string {
  return o.certsDir ?? process.env.NETCTL_CERTS_DIR ?? DEFAULT_CERTS_DIR;
}

/** The client of REF's repository, with the stored credentials and the registry's TLS setup. */
export async function registryClient(
  ref: RegistryRef,
  o: RegistryOptions,
  actions = 'pull',
  extraScopes: string[] = [],
): Promise<RegistryClient> {
  const transport = new Transport({ certsDir: certsDirOf(o), insecure: new Set(o.insecure ?? []) });
  const creds = await getCredentials(o.authFile ?? defaultAuthFile(), ref.registry);
  return new RegistryClient(ref, transport, creds, actions, extraScopes);
}

async function resolveManifest(client: RegistryClient, ref: RegistryRef, platform: string | undefined) {
  const top = await client.manifest(ref.digest ?? ref.tag!);
  if (!isIndex(top.mediaType, top.body)) return { digest: top.digest, manifest: parseManifest(top.body) };
  const pick = pickManifest(top.body, platform ? parsePlatform(platform) : hostPlatform());
  const inner = await client.manifest(pick.digest);
  return { digest: top.digest, manifest: parseManifest(inner.body) };
}

async function fetchConfig(client: RegistryClient, d: Descriptor): Promise<Buffer> {
  const res = await client.blob(d.digest);
  await expectOk(res, `config ${d.digest}`);
  const body = await readBody(res, 16 * 1024 * 1024);
  if (`sha256:${createHash('sha256').update(body).digest('hex')}` !== d.digest)
    throw new SystemError(`config ${d.digest} does not match its digest; nothing was stored`);
  return body;
}

async function record(r: RuntimeRoots, id: string, config: Buffer, layers: string[], repoDigest: string) {
  if (await hasImage(r, id)) {
    const rec = await readImage(r, id);
    if (!rec.repoDigests?.includes(repoDigest))
      await writeImageRecord(r, { ...rec, repoDigests: [...(rec.repoDigests ?? []), repoDigest] });
    return;
  }
  const doc = JSON.parse(config.toString('utf8')) as unknown;
  const rec: ImageRecord = {
    id,
    created: new Date().toISOString(),
    source: 'registry',
    layers,
    repoDigests: [repoDigest],
    ...configFromOci(doc),
  };
  await commitLayeredImage(r, rec, config);
}

// NETCTL_TEST_PULL_PAUSE_MS: the race test's window between the layers and the record.
async function testPause(): Promise<void> {
  const ms = Number(process.env.NETCTL_TEST_PULL_PAUSE_MS ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, Math.min(ms, 10_000)));
}

/** Pulls REF (`NAME[:TAG|@DIGEST]`) into the host's store. */
export async function pullImage(host: Host, given: string, o: PullOptions = {}): Promise<PulledImage> {
  const ref = parseRegistryRef(given);
  const r = host.paths;
  const client = await registryClient(ref, o);
  const { digest, manifest } = await resolveManifest(client, ref, o.platform);
  o.onEvent?.({ kind: 'resolved', ref: formatRegistryRef(ref), digest, layers: manifest.layers.length });
  const config = await fetchConfig(client, manifest.config);
  const ids = diffIds(config);
  if (ids.length !== manifest.layers.length)
    throw new SystemError(
      `image ${formatRegistryRef(ref)}: the manifest has ${manifest.layers.length} layers, its config ${ids.length}`,
    );
  await sweepLayerTemps(r);
  const id = createHash('sha256').update(config).digest('hex');
  // Pinned before a layer is found stored, so a prune cannot take it between then and the record.
  const pin = await pinLayers(r, [...ids, id]);
  let sizes: number[];
  let tag: string | undefined;
  const repoDigest = `${ref.name}@${digest}`;
  try {
    sizes = await pool(manifest.layers, o.concurrency ?? 3, (d, i) => pullLayer(r, client, d, ids[i]!, o));
    await testPause();
    await record(r, id, config, ids, repoDigest);
    tag = ref.tag ? await tagImage(r, `${ref.name}:${ref.tag}`, id) : undefined;
  } finally {
    await pin.release();
  }
  return {
    id,
    ...(tag ? { tag } : {}),
    digest,
    repoDigest,
    layers: ids.length,
    newLayers: sizes.filter((s) => s > 0).length,
    downloaded: sizes.reduce((a, b) => a + b, 0),
  };
}

/**
 * What `pullImage` would do, the name checked as it checks it; the registry is not asked,
 * so the layers it would fetch are not known yet.
 */
export function planPull(host: Host, given: string, o: PullOptions = {}): ChangePlan {
  const ref = parseRegistryRef(given);
  if (o.platform) parsePlatform(o.platform);
  const notes = [
    `fetch the manifest of ${formatRegistryRef(ref)} from ${ref.endpoint}${o.platform ? ` (platform ${o.platform})` : ''}, then its config`,
    `download and unpack each layer not stored yet into ${host.paths.root}/layers/DIFFID (blobs wait in .blobs/)`,
    `record the image as ${host.paths.root}/images/ID (ID: the digest of its config)`,
    ...(ref.tag ? [`tag it ${ref.name}:${ref.tag}`] : []),
  ];
  return { operations: [], rules: '', notes };
}
