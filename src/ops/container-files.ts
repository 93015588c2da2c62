/**
 * `cp` and `export`: files between a container and the host. A running container's files
 * are read and written through /proc/PID/root (its volumes included, as Docker's `cp`
 * does); a stopped one's through its root filesystem, mounted again when it is not.
 * Paths inside are resolved without leaving its root (runtime/root-path.ts). Tar streams
 * (`-`, `export`) come from the host's GNU tar, given argv arrays.
 */
import { spawn } from 'node:child_process';
import { cp, lchown, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Container } from '../model/container.js';
import { refuseCniRecord } from '../model/cni-record.js';
import { containerPaths } from '../runtime/paths.js';
import { prepareRootfs } from '../runtime/rootfs.js';
import { resolveInRoot } from '../runtime/root-path.js';
import { liveStatus, readState } from '../runtime/state.js';
import { NotFoundError, SystemError, UsageError } from '../errors.js';
import type { Host } from './host.js';

/** Where a copy goes: into a container (`CTR:PATH`) or on the host (a path, or `-`). */
export type CopyEnd = { container: string; path: string } | { host: string };

/** Parses a `cp` argument: `NAME:PATH` names a container (a path with a `/` before the `:` does not). Pure. */
export function parseCopyEnd(arg: string): CopyEnd {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(.*)$/.exec(arg);
  if (!m) return { host: arg };
  if (!m[2]) throw new UsageError(`invalid path "${arg}": give CONTAINER:PATH with a path`);
  return { container: m[1]!, path: m[2]!.startsWith('/') ? m[2]! : `/${m[2]}` };
}

/** The host directory that is the container's root now. */
async function rootOf(host: Host, c: Container): Promise<string> {
  const st = await readState(containerPaths(host.paths, c.id).state);
  if (st && liveStatus(st) === 'running' && st.pid > 0) return `/proc/${st.pid}/root`;
  return (await prepareRootfs(host.paths, c.id, String(c.config.imageId))).path;
}

/** The host's view of the rootfs (no volumes, no /proc): what `export` archives. */
async function rootfsOf(host: Host, c: Container): Promise<string> {
  return (await prepareRootfs(host.paths, c.id, String(c.config.imageId))).path;
}

function tar(args: string[], input: Readable | null, output: Writable | null): Promise<void> {
  const child = spawn('tar', args, { stdio: [input ? 'pipe' : 'ignore', output ? 'pipe' : 'ignore', 'pipe'] });
  if (input) input.pipe(child.stdin!);
  if (output) child.stdout!.pipe(output, { end: false });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run tar: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new SystemError(`tar: ${err.trim().split('\n').pop() ?? `exit ${code}`}`)),
    );
  });
}

async function kind(p: string): Promise<'dir' | 'file' | null> {
  const st = await stat(p).catch(() => null);
  return st ? (st.isDirectory() ? 'dir' : 'file') : null;
}

/** Gives each file under DEST the owner of the same file under SRC (`cp -a`; links themselves, not their targets). */
async function copyOwners(src: string, dest: string): Promise<void> {
  const st = await lstat(src);
  await lchown(dest, st.uid, st.gid);
  if (st.isDirectory()) for (const e of await readdir(src)) await copyOwners(`${src}/${e}`, `${dest}/${e}`);
}

/**
 * Copies host path `src` to `dest` as Docker's cp does: into `dest` when it is a directory,
 * else as `dest`; owned by root unless `archive` (-a) keeps the source's owners.
 */
async function copyTree(src: string, dest: string, contentsOnly: boolean, archive = false): Promise<void> {
  const srcKind = await kind(src);
  if (!srcKind) throw new NotFoundError('path', src);
  const destKind = await kind(dest);
  if (srcKind === 'dir' && destKind === 'file') throw new UsageError(`cannot copy a directory onto file "${dest}"`);
  const target = destKind === 'dir' && !contentsOnly ? `${dest}/${basename(src)}` : dest;
  if (srcKind === 'dir') await mkdir(target, { recursive: true });
  await cp(src, target, { recursive: true, force: true, verbatimSymlinks: true, preserveTimestamps: true });
  if (archive) await copyOwners(src, target);
}

/** What `cp` does, one line: the dry run's plan. */
export interface CopyResult {
  container: Container;
  plan: string;
}

/**
 * Copies between a container and the host (`src` or `dest` names the container); `-` as
 * the host side is a tar stream on `io.stdout` or from `io.stdin`.
 */
export async function copyFiles(
  host: Host,
  src: CopyEnd,
  dest: CopyEnd,
  o: { followLink?: boolean; archive?: boolean; dryRun?: boolean; stdin?: Readable; stdout?: Writable },
): Promise<CopyResult> {
  if ('container' in src === 'container' in dest)
    throw new UsageError('cp: exactly one of SRC and DEST must be CONTAINER:PATH');
  const inner = ('container' in src ? src : dest) as { container: string; path: string };
  const outer = ('container' in src ? dest : src) as { host: string };
  const c = host.store().containers.require(inner.container);
  refuseCniRecord(c, 'copy files of');
  const root = await rootOf(host, c);
  const contentsOnly = /\/\.$/.test('container' in src ? inner.path : outer.host);
  if ('container' in src) {
    const from = await resolveInRoot(root, inner.path, Boolean(o.followLink));
    const plan = `copy ${c.name}:${inner.path} (${from}) to ${outer.host}`;
    if (o.dryRun) return { container: c, plan };
    if (outer.host === '-') await tar(['-C', dirname(from), '-cf', '-', basename(from)], null, o.stdout!);
    else await copyTree(from, outer.host, contentsOnly, o.archive);
    return { container: c, plan };
  }
  const existing = await resolveInRoot(root, inner.path);
  const to =
    (await kind(existing)) || outer.host === '-'
      ? existing
      : `${await resolveInRoot(root, dirname(inner.path))}/${basename(inner.path)}`;
  const plan = `copy ${outer.host} to ${c.name}:${inner.path} (${to})`;
  if (o.dryRun) return { container: c, plan };
  if (outer.host === '-') {
    if ((await kind(to)) !== 'dir') throw new UsageError(`cp: "${inner.path}" must be a directory in the container`);
    // Docker: a stream's owners are kept with -a only; without it the files are root's.
    await tar(['-C', to, '-xf', '-', o.archive ? '--same-owner' : '--no-same-owner'], o.stdin!, null);
  } else await copyTree(outer.host, to, contentsOnly, o.archive);
  return { container: c, plan };
}

/** `export`: the container's root filesystem (its image and its changes, no volumes) as a tar stream. */
export async function exportContainer(host: Host, ref: string, out: Writable): Promise<void> {
  const c = host.store().containers.require(ref);
  refuseCniRecord(c, 'export');
  await tar(['-C', await rootfsOf(host, c), '--numeric-owner', '-cf', '-', '.'], null, out);
}
