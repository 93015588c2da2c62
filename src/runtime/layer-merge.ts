/**
 * Merging one extracted layer (a staging directory) into an image rootfs with Docker's
 * layer semantics: `.wh.NAME` deletes NAME from the layers below, `.wh..wh..opq` empties its
 * directory first, anything else replaces what was there, except that directories merge.
 * Nothing here follows a symlink out of the rootfs: entries are moved with rename(2), and
 * the one case that follows a link (a directory reached through a symlink the layer did not
 * replace, as in merged-/usr images) resolves it inside the rootfs.
 */
import {
  chmodSync,
  lchownSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  utimesSync,
  type Stats,
} from 'node:fs';
import { posix } from 'node:path';
import { SystemError } from '../errors.js';

const OPAQUE = '.wh..wh..opq';
const WH = '.wh.';

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * Resolves PATH (inside ROOT) as if ROOT were "/": symlinks are followed, absolute ones
 * and ".." relative to ROOT, never above it. Missing components are kept as they are.
 */
export function resolveInRoot(root: string, path: string): string {
  const todo = posix
    .relative(root, path)
    .split('/')
    .filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  for (let hops = 0; todo.length > 0; ) {
    const c = todo.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const here = `${root}/${[...done, c].join('/')}`;
    const st = lstatOrNull(here);
    if (!st?.isSymbolicLink()) {
      done.push(c);
      continue;
    }
    if (++hops > 40) throw new SystemError(`too many symbolic links under "${path}"`);
    const target = readlinkSync(here);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
  }
  return done.length ? `${root}/${done.join('/')}` : root;
}

function remove(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

function copyDirMeta(from: Stats, to: string): void {
  lchownSync(to, from.uid, from.gid);
  chmodSync(to, from.mode & 0o7777);
  utimesSync(to, from.atime, from.mtime);
}

/** Deletes whiteout files left in a directory tree that had nothing below it to hide. */
function stripWhiteouts(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(WH)) remove(`${dir}/${e.name}`);
    else if (e.isDirectory()) stripWhiteouts(`${dir}/${e.name}`);
  }
}

/** One merge: the rootfs, and the directories the layer's archive lists explicitly. */
interface Merge {
  root: string;
  explicitDirs: ReadonlySet<string>;
}

function mergeDir(m: Merge, src: string, dest: string, rel: string): void {
  const names = readdirSync(src);
  if (names.includes(OPAQUE)) for (const n of readdirSync(dest)) remove(`${dest}/${n}`);
  for (const n of names) {
    if (n.startsWith(WH) && n !== OPAQUE && !n.startsWith(`${WH}${WH}`)) remove(`${dest}/${n.slice(WH.length)}`);
  }
  for (const n of names) {
    if (!n.startsWith(WH)) mergeEntry(m, `${src}/${n}`, `${dest}/${n}`, rel ? `${rel}/${n}` : n);
  }
}

function mergeEntry(m: Merge, src: string, dest: string, rel: string): void {
  const s = lstatSync(src);
  const d = lstatOrNull(dest);
  if (s.isDirectory() && d) {
    let into = d.isDirectory() ? dest : null;
    // A symlink to a directory stays unless the layer itself has this directory.
    if (d.isSymbolicLink() && !m.explicitDirs.has(rel)) {
      const target = resolveInRoot(m.root, dest);
      if (lstatOrNull(target)?.isDirectory()) into = target;
    }
    if (into) {
      mergeDir(m, src, into, rel);
      if (into === dest && m.explicitDirs.has(rel)) copyDirMeta(s, dest);
      return;
    }
  }
  if (d) remove(dest);
  renameSync(src, dest);
  if (s.isDirectory()) stripWhiteouts(dest);
}

/**
 * Moves the extracted layer in STAGING into ROOTFS (same filesystem). EXPLICIT_DIRS are
 * the layer's directory members, normalized (`usr/lib`): only those carry metadata.
 */
export function mergeLayer(staging: string, rootfs: string, explicitDirs: ReadonlySet<string>): void {
  mergeDir({ root: rootfs, explicitDirs }, staging, rootfs, '');
}
