/**
 * An image's files as one read-only tree, for a build to copy from (`COPY --from`) and to
 * read parent directories' owners and modes in: its layers stacked in a lowerdir-only
 * overlay mount (read-only by nature), or its one directory when it has a single layer.
 * The mount lives under the run root and is gone when the callback returns.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rmdir } from 'node:fs/promises';
import { mounts } from '../sys/native.js';
import { wrap } from '../errors.js';
import { imageLowers } from './image-lowers.js';
import type { RuntimeRoots } from './paths.js';

/** Runs FN with the root of image IMAGE_ID's merged files (IMAGE_ID undefined: an empty tree). */
export async function withImageView<T>(
  r: RuntimeRoots,
  imageId: string | undefined,
  fn: (root: string) => Promise<T>,
): Promise<T> {
  const base = `${r.runRoot}/build`;
  await mkdir(base, { recursive: true, mode: 0o700 });
  const target = `${base}/view-${process.pid}-${randomBytes(6).toString('hex')}`;
  await mkdir(target, { mode: 0o755 });
  const lowers = imageId ? await imageLowers(r, imageId) : [];
  if (lowers.length < 2) {
    try {
      return await fn(lowers[0] ?? target);
    } finally {
      await rmdir(target).catch(() => undefined);
    }
  }
  try {
    mounts().mountFs('overlay', 'overlay', target, `lowerdir=${lowers.join(':')}`);
  } catch (err) {
    await rmdir(target).catch(() => undefined);
    throw wrap('mount the files of image', imageId!, err);
  }
  try {
    return await fn(target);
  } finally {
    mounts().unmount(target, true);
    await rmdir(target).catch(() => undefined);
  }
}
