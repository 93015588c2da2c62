/**
 * The image config an image is pushed or saved with: the bytes it was pulled or loaded with
 * (its id is their digest), or, for a layered image stored without them, a Docker image
 * config written from its record (a new id, the same layers).
 */
import { SystemError } from '../errors.js';
import type { ImageRecord } from './image-config.js';
import { readRawConfig } from './image-store.js';
import type { RuntimeRoots } from './paths.js';

/** Docker's config document for REC. Pure. */
export function configDocument(rec: ImageRecord, diffIds: string[]): Record<string, unknown> {
  const c = rec.config;
  const config: Record<string, unknown> = { Env: c.env };
  if (c.cmd) config.Cmd = c.cmd;
  if (c.entrypoint) config.Entrypoint = c.entrypoint;
  if (c.workingDir) config.WorkingDir = c.workingDir;
  if (c.user) config.User = c.user;
  if (c.exposedPorts.length) config.ExposedPorts = Object.fromEntries(c.exposedPorts.map((p) => [p, {}]));
  if (Object.keys(c.labels).length) config.Labels = c.labels;
  if (c.volumes?.length) config.Volumes = Object.fromEntries(c.volumes.map((v) => [v, {}]));
  if (c.stopSignal) config.StopSignal = c.stopSignal;
  return {
    architecture: rec.architecture ?? 'amd64',
    os: rec.os ?? 'linux',
    created: rec.created,
    config,
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
}

/** The config bytes of a layered image, and its diff ids (bottom first). */
export async function imageConfigBlob(
  r: RuntimeRoots,
  rec: ImageRecord,
): Promise<{ bytes: Buffer; diffIds: string[] }> {
  if (!rec.layers)
    throw new SystemError(`image sha256:${rec.id.slice(0, 12)} is a flattened import, not a layered image`, {
      hint: 'an image imported by an older netctl: import its rootfs again (netctl image import) to give it a layer',
    });
  const raw = await readRawConfig(r, rec.id);
  if (raw) return { bytes: raw, diffIds: rec.layers };
  return { bytes: Buffer.from(JSON.stringify(configDocument(rec, rec.layers))), diffIds: rec.layers };
}
