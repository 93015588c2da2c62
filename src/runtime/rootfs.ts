/**
 * A container's writable layer: an overlayfs with the image rootfs as its lower layer and
 * upper/work under `<root>/containers/<id>/`, mounted at `<runRoot>/containers/<id>/rootfs`.
 * Where overlayfs is refused (an overlay or other unsupported state root), a full copy
 * (`cp -a`) under `<root>/containers/<id>/rootfs` serves instead.
 */
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runChecked } from '../sys/exec.js';
import { mounts } from '../sys/native.js';
import { NotFoundError, SystemError, wrap } from '../errors.js';
import { imageLowers, mergedCopy } from './image-lowers.js';
import { containerPaths, type RuntimeRoots } from './paths.js';

/** How to make the writable layer; `auto` tries overlayfs, then copies. */
export type RootfsMode = 'auto' | 'overlay' | 'copy';

/** A prepared root filesystem. */
export interface PreparedRootfs {
  /** The directory to give the launcher as the container's root. */
  path: string;
  kind: 'overlay' | 'copy';
}

/** Decodes the octal escapes (`\040`) of /proc/self/mountinfo paths. Pure. */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Whether PATH is a mount point in this mount namespace. */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => unescapeMountPath(line.split(' ')[4] ?? '') === path);
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

// overlayfs splits its options at "," and ":"; such paths cannot be given to it.
function overlayOptions(lower: string[], upper: string, work: string): string | null {
  if ([...lower, upper, work].some((p) => /[,:\\]/.test(p))) return null;
  return `lowerdir=${lower.join(':')},upperdir=${upper},workdir=${work}`;
}

async function mountOverlay(lower: string[], upper: string, work: string, target: string): Promise<string | null> {
  const opts = overlayOptions(lower, upper, work);
  if (!opts) return 'a path contains "," or ":"';
  // mount(2) takes one page of options.
  if (opts.length > 4000) return `${lower.length} layers make the mount options too long`;
  await mkdir(upper, { recursive: true, mode: 0o755 });
  await mkdir(work, { recursive: true, mode: 0o700 });
  try {
    mounts().mountFs('overlay', 'overlay', target, opts);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function copyRootfs(r: RuntimeRoots, imageId: string, lower: string[], copy: string): Promise<void> {
  if (await exists(copy)) return;
  const tmp = `${copy}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(dirname(copy), { recursive: true, mode: 0o700 });
  if (lower.length === 1 && !lower[0]!.endsWith('/fs'))
    await runChecked(['cp', '-a', '--', lower[0]!, tmp], { timeoutMs: 30 * 60_000 });
  else await mergedCopy(r, imageId, tmp);
  await rename(tmp, copy);
}

/**
 * Makes the writable root filesystem of container ID from image IMAGE_ID. Idempotent: a
 * layer already mounted (or copied) is reused, so it also serves after a reboot.
 */
export async function prepareRootfs(
  r: RuntimeRoots,
  id: string,
  imageId: string,
  mode: RootfsMode = 'auto',
): Promise<PreparedRootfs> {
  const c = containerPaths(r, id);
  const lower = await imageLowers(r, imageId);
  if (!(await exists(lower[0]!))) throw new NotFoundError('image', imageId);
  try {
    if (await exists(c.copy)) return { path: c.copy, kind: 'copy' };
    await mkdir(c.rootfs, { recursive: true, mode: 0o755 });
    if (mode !== 'copy') {
      if (await isMountPoint(c.rootfs)) return { path: c.rootfs, kind: 'overlay' };
      const why = await mountOverlay(lower, c.upper, c.work, c.rootfs);
      if (!why) return { path: c.rootfs, kind: 'overlay' };
      if (mode === 'overlay') throw new SystemError(`overlayfs: ${why}`);
      await rm(c.upper, { recursive: true, force: true });
      await rm(c.work, { recursive: true, force: true });
    }
    await copyRootfs(r, imageId, lower, c.copy);
    return { path: c.copy, kind: 'copy' };
  } catch (err) {
    throw wrap('prepare root filesystem of', id, err);
  }
}

/** Unmounts and deletes the writable layer of container ID; missing parts are fine. */
export async function removeRootfs(r: RuntimeRoots, id: string): Promise<void> {
  const c = containerPaths(r, id);
  try {
    if (await isMountPoint(c.rootfs)) {
      try {
        mounts().unmount(c.rootfs, false);
      } catch (err) {
        // Busy (an exec still inside, a shell's cwd): detach it; it goes when they do.
        if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
        mounts().unmount(c.rootfs, true);
      }
    }
    await rm(c.rootfs, { recursive: true, force: true });
    await rm(c.dir, { recursive: true, force: true });
  } catch (err) {
    throw wrap('remove root filesystem of', id, err);
  }
}

/** Removes everything of container ID: the writable layer and its run directory (log, state). */
export async function removeContainerFiles(r: RuntimeRoots, id: string): Promise<void> {
  await removeRootfs(r, id);
  await rm(containerPaths(r, id).runDir, { recursive: true, force: true });
}
