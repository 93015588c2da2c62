/**
 * Reading manifests, indexes and platforms. Pure: the documents come in as bytes.
 */
import { SystemError, UsageError } from '../errors.js';
import { hostPlatform, type Platform } from '../model/platform.js';

export { hostPlatform, type Platform };

/** An OCI descriptor. */
export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: Platform;
}

/** An image manifest's parts. */
export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

const LAYER_TYPES =
  /^application\/vnd\.(?:oci\.image\.layer\.v1\.tar(?:\+gzip|\+zstd)?|docker\.image\.rootfs\.diff\.tar\.gzip)$/;

/** Parses `--platform os/arch[/variant]`. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined || !/^[a-z0-9_]+$/.test(`${os}${architecture}${variant ?? ''}`))
    throw new UsageError(`invalid --platform "${text}": give OS/ARCH[/VARIANT], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function doc(body: Buffer, what: string): Record<string, unknown> {
  try {
    const d = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof d === 'object' && d !== null && !Array.isArray(d)) return d as Record<string, unknown>;
  } catch {
    // Said below.
  }
  throw new SystemError(`${what} is not a JSON object`);
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Descriptor;
  if (
    typeof d?.digest !== 'string' ||
    !/^sha256:[0-9a-f]{64}$/.test(d.digest) ||
    !Number.isSafeInteger(d.size) ||
    d.size < 0
  )
    throw new SystemError(`${what}: a descriptor without a sha256 digest and a size`);
  return d;
}

/** A document's list field: absent is empty, anything but a list is refused. */
function listOf(d: Record<string, unknown>, key: string, what: string): unknown[] {
  const v = d[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SystemError(`${what}: "${key}" is not a list`);
  return v;
}

/** Whether a manifest document is an index (manifest list). */
export function isIndex(mediaType: string, body: Buffer): boolean {
  return /index|manifest\.list/.test(mediaType) || Array.isArray(doc(body, 'manifest').manifests);
}

/** The entry of an index for PLATFORM; a usage error listing what there is when none fits. */
export function pickManifest(body: Buffer, want: Platform): Descriptor {
  const list = listOf(doc(body, 'index'), 'manifests', 'index').map((m) => descriptor(m, 'index'));
  const fits = (d: Descriptor) =>
    d.platform?.os === want.os &&
    d.platform.architecture === want.architecture &&
    (!want.variant || d.platform.variant === want.variant);
  const hit = list.find(fits);
  if (hit) return hit;
  const have = list.filter((d) => d.platform && d.platform.os !== 'unknown').map((d) => formatPlatform(d.platform!));
  throw new UsageError(
    `no image for platform ${formatPlatform(want)} (the index has: ${have.join(', ') || 'none'})`,
    'choose one with --platform',
  );
}

/** The config and layers of an image manifest; schema 1 and foreign layers are refused. */
export function parseManifest(body: Buffer): ImageManifest {
  const d = doc(body, 'manifest');
  if (d.schemaVersion === 1)
    throw new SystemError('schema 1 manifests are not supported (the registry must serve schema 2 or OCI)');
  const config = descriptor(d.config, 'manifest config');
  const layers = listOf(d, 'layers', 'manifest').map((l) => descriptor(l, 'manifest layer'));
  for (const l of layers) {
    if (l.mediaType && !LAYER_TYPES.test(l.mediaType))
      throw new SystemError(`layer ${l.digest} has media type ${l.mediaType}, which netctl cannot unpack`);
  }
  return { config, layers };
}

/** The diff ids (uncompressed layer digests) an image config lists, bottom layer first. */
export function diffIds(config: Buffer): string[] {
  const ids = (doc(config, 'image config').rootfs as { diff_ids?: unknown })?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' && /^sha256:[0-9a-f]{64}$/.test(x)))
    throw new SystemError('image config has no valid rootfs.diff_ids');
  return ids as string[];
}
