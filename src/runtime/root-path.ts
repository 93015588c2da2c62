/**
 * A path inside a container, resolved to a host path without leaving the container's root:
 * each component in turn, a symbolic link read and followed as the container would see it
 * (an absolute target from the container's root), `..` never above the root. As
 * securejoin does for Docker's `cp`; a container cannot point a copy at the host's files.
 */
import { lstat, readlink } from 'node:fs/promises';
import { UsageError } from '../errors.js';

/** The host path of container path `p` under `root`; with `followLast`, a link at the end is followed too. */
export async function resolveInRoot(root: string, p: string, followLast = true): Promise<string> {
  const todo = p.split('/').filter((x) => x && x !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = `${root}/${[...done, part].join('/')}`;
    const st = await lstat(host).catch(() => null);
    if (!st?.isSymbolicLink() || (todo.length === 0 && !followLast)) {
      done.push(part);
      continue;
    }
    if (++links > 40) throw new UsageError(`cannot resolve "${p}": too many symbolic links`);
    const target = await readlink(host);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter((x) => x && x !== '.'));
  }
  return done.length ? `${root}/${done.join('/')}` : root;
}
