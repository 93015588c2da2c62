/**
 * The image manifests netctl writes (push, save), as bytes. Pure.
 */
/** Manifest formats netctl writes: Docker's image manifest v2 schema 2, or OCI's. */
export type ManifestFormat = 'docker' | 'oci';

/** Media types of each format: manifest, config, gzip layer, plain tar layer. */
export const MEDIA_TYPES = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    tar: 'application/vnd.docker.image.rootfs.diff.tar',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    tar: 'application/vnd.oci.image.layer.v1.tar',
  },
} as const;

/** The manifest of a config and its layers (each `gzip` or plain `tar`), as bytes. Pure. */
export function buildManifest(
  format: ManifestFormat,
  config: { digest: string; size: number },
  layers: { digest: string; size: number; gzip: boolean }[],
): Buffer {
  const t = MEDIA_TYPES[format];
  const doc = {
    schemaVersion: 2,
    mediaType: t.manifest,
    config: { mediaType: t.config, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: l.gzip ? t.gzip : t.tar, size: l.size, digest: l.digest })),
  };
  return Buffer.from(JSON.stringify(doc, null, 3));
}
