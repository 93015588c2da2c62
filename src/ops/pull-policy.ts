/**
 * When `run` and `compose up` pull: `missing` (the default: only an image not stored),
 * `always`, `never`, as Docker's `--pull` and compose's `pull_policy`.
 */
import { NetctlError, NotFoundError, UsageError } from '../errors.js';
import type { ImageRecord } from '../runtime/image-config.js';
import { resolveImage } from '../runtime/image-store.js';
import { resolveImageUser, type ImageUser } from '../runtime/image-user.js';
import type { Host } from './host.js';
import { pullImage, type PullOptions } from './pull.js';

/** A pull policy. */
export type PullPolicy = 'missing' | 'always' | 'never';

/** Parses `--pull`. */
export function parsePullPolicy(v: unknown): PullPolicy {
  const s = v === undefined ? 'missing' : String(v);
  if (s === 'missing' || s === 'always' || s === 'never') return s;
  throw new UsageError(`invalid --pull "${s}": missing, always or never`);
}

/** The image REF names, pulled first as POLICY says. */
export async function ensureImage(
  host: Host,
  ref: string,
  policy: PullPolicy,
  o: PullOptions = {},
): Promise<ImageRecord> {
  if (policy === 'always') await pullImage(host, ref, o);
  try {
    return await resolveImage(host.paths, ref);
  } catch (err) {
    if (policy !== 'missing' || !(err instanceof NetctlError) || err.code !== 'not-found') throw err;
  }
  try {
    await pullImage(host, ref, o);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (err instanceof NetctlError && err.code === 'usage') throw err;
    throw new NotFoundError('image', ref, `it is not stored, and pulling it failed: ${why}`);
  }
  return resolveImage(host.paths, ref);
}

/** The uid and gid SPEC (`-u`, or the image's `User` when SPEC is absent) names in IMAGE. */
export function imageUser(host: Host, image: ImageRecord, spec: string | undefined): Promise<ImageUser> {
  return resolveImageUser(host.paths, image, spec ?? image.config.user);
}
