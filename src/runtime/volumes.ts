/**
 * A volume's files: `<root>/volumes/<name>/_data`, as Docker's local driver keeps them. A
 * `type=tmpfs` volume is a tmpfs mounted there (on the host, so every container using it
 * shares it) when a container first needs it; a `type=none,o=bind` volume is its `device`.
 */
import { lstat, mkdir, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { Volume } from '../model/volume.js';
import { runChecked } from '../sys/exec.js';
import { mounts } from '../sys/native.js';
import { SystemError, UsageError, wrap } from '../errors.js';
import { readImage } from './image-store.js';
import { layerPaths, readLayer } from './layer-store.js';
import { imagePaths, type RuntimeRoots } from './paths.js';
import { isMountPoint } from './rootfs.js';

/** Where volume NAME's files are. */
export function volumePaths(r: RuntimeRoots, name: string): { dir: string; data: string } {
  const dir = `${r.root}/volumes/${name}`;
  return { dir, data: `${dir}/_data` };
}

/** `<root>/volumes`. */
export function volumesDir(r: RuntimeRoots): string {
  return `${r.root}/volumes`;
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The host directory a container binds for volume V. */
export function volumeSource(r: RuntimeRoots, v: Volume): string {
  return v.options.o?.split(',').some((o) => o === 'bind' || o === 'rbind') && v.options.device
    ? v.options.device
    : volumePaths(r, v.name).data;
}

/** Makes volume V's directory; true when it was made now. */
export async function makeVolumeDir(r: RuntimeRoots, v: Volume): Promise<boolean> {
  const p = volumePaths(r, v.name);
  if (await exists(p.data)) return false;
  await mkdir(p.dir, { recursive: true, mode: 0o701 });
  await mkdir(p.data, { mode: 0o755 });
  return true;
}

/**
 * Readies volume V for a container: its directory, its tmpfs mounted, its bind device
 * present. Returns the host path to bind.
 */
export async function readyVolume(r: RuntimeRoots, v: Volume): Promise<string> {
  try {
    await makeVolumeDir(r, v);
    const src = volumeSource(r, v);
    if (v.options.type === 'tmpfs' && !(await isMountPoint(src)))
      mounts().mountFs('tmpfs', 'tmpfs', src, v.options.o ?? '');
    else if (src !== volumePaths(r, v.name).data && !(await exists(src)))
      throw new SystemError(`its device "${src}" does not exist`);
    return src;
  } catch (err) {
    throw wrap('mount volume', v.name, err);
  }
}

/**
 * Refuses a volume subpath that does not exist as a directory in the volume, or leads out
 * of it through a symbolic link (Docker refuses both when the container starts).
 */
export async function checkSubpathIn(name: string, src: string, subpath: string): Promise<void> {
  const root = await realpath(src);
  const full = await realpath(`${src}/${subpath}`).catch(() => undefined);
  if (full === undefined)
    throw new UsageError(`volume "${name}": subpath "${subpath}" does not exist in the volume`, 'create it first');
  if (full !== root && !full.startsWith(`${root}/`))
    throw new UsageError(`volume "${name}": subpath "${subpath}" leads out of the volume`);
}

/** Deletes volume NAME's files (a tmpfs unmounted first; a bind device's files are left alone). */
export async function removeVolumeFiles(r: RuntimeRoots, name: string): Promise<void> {
  const p = volumePaths(r, name);
  try {
    if (await isMountPoint(p.data)) mounts().unmount(p.data, true);
    await rm(p.dir, { recursive: true, force: true });
  } catch (err) {
    throw wrap('remove volume', name, err);
  }
}

/**
 * PATH inside the image rootfs ROOT, with symlinks followed as the container would see
 * them (an absolute link is relative to ROOT, ".." stops at ROOT), so an image cannot
 * point the copy at the host. Undefined when it does not exist.
 */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  const todo = path.split('/').filter((x) => x && x !== '.');
  const done: string[] = [];
  for (let hops = 0; todo.length > 0; ) {
    const name = todo.shift()!;
    if (name === '..') {
      done.pop();
      continue;
    }
    const st = await lstat(join(root, ...done, name)).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) {
      done.push(name);
      continue;
    }
    if (++hops > 40) return undefined;
    const link = await readlink(join(root, ...done, name));
    if (isAbsolute(link)) done.length = 0;
    todo.unshift(
      ...normalize(link)
        .split('/')
        .filter((x) => x && x !== '.'),
    );
  }
  return join(root, ...done);
}

// P relative to REL (a path inside it), '' for REL itself, undefined when P is outside it.
function inside(p: string, rel: string): string | undefined {
  if (p === rel) return '';
  if (rel === '') return p;
  return p.startsWith(`${rel}/`) ? p.slice(rel.length + 1) : undefined;
}

// DATA holds the layers below; clears what this layer's opaque directories hide there.
async function applyOpaque(data: string, rel: string, opaque: string[]): Promise<void> {
  for (const d of opaque) {
    const u = inside(d, rel);
    const hidesAll = u === '' || d === '' || rel.startsWith(`${d}/`);
    if (hidesAll) for (const n of await readdir(data)) await rm(join(data, n), { recursive: true, force: true });
    else if (u !== undefined) await rm(join(data, u), { recursive: true, force: true });
  }
}

/**
 * Fills an empty volume directory DATA with what image IMAGE_ID has at TARGET, as Docker
 * does when a new volume is first mounted (its owner and mode too). True when it copied.
 * A layered image's layers are copied bottom first, each one's opaque directories and
 * whiteouts under TARGET applied, as overlayfs shows them.
 */
export async function fillFromImage(r: RuntimeRoots, imageId: string, target: string, data: string): Promise<boolean> {
  if ((await readdir(data)).length > 0) return false;
  const rec = await readImage(r, imageId);
  const lowers = rec.layers?.map((diffId) => ({ fs: layerPaths(r, diffId).fs, diffId }));
  let copied = false;
  for (const lower of lowers ?? [{ fs: imagePaths(r, imageId).rootfs, diffId: undefined }]) {
    const from = await resolveInRoot(lower.fs, target);
    if (!from || !(await stat(from).catch(() => null))?.isDirectory()) continue;
    const rel = relative(lower.fs, from);
    const meta = lower.diffId ? await readLayer(r, lower.diffId) : undefined;
    await applyOpaque(data, rel, meta?.opaque ?? []);
    await runChecked(['cp', '-a', '--', `${from}/.`, `${data}/`], { timeoutMs: 30 * 60_000 });
    for (const w of meta?.whiteouts ?? []) {
      const u = inside(w, rel);
      if (u) await rm(join(data, u), { recursive: true, force: true });
    }
    copied = true;
  }
  return copied;
}
