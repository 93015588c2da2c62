/**
 * `image import`: a root filesystem from a tar archive (any compression tar knows), a
 * directory, or a stream, stored as a new image with an empty config. In two halves: the
 * source is checked and the program that fills the rootfs chosen without writing anything
 * (what `--dry-run` shows), then the image is built.
 */
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runChecked } from '../sys/exec.js';
import { NotFoundError, UsageError, wrap } from '../errors.js';
import { emptyImageConfig, type ImageRecord } from './image-config.js';
import { extractArgv } from './image-layer.js';
import { normalizeImageRef } from './image-ref.js';
import { commitImage, newImageDir, tagImage } from './image-store.js';
import type { RuntimeRoots } from './paths.js';
import { refuseTerminal, spoolToFile } from './spool.js';

/** Where an import reads from: a path (file or directory) or a stream. */
export type ImportSource = string | Readable;

/** How the rootfs is filled: a directory copied, an archive unpacked, a stream saved then unpacked. */
export type ImportKind = 'dir' | 'file' | 'stream';

/** The source as error messages name it. */
export function sourceLabel(source: ImportSource): string {
  return typeof source === 'string' ? source : '-';
}

/** Checks the source and says how it is read; writes nothing. Refusals name the source. */
export async function checkImportSource(source: ImportSource): Promise<ImportKind> {
  try {
    if (typeof source !== 'string') {
      refuseTerminal(source);
      return 'stream';
    }
    const st = await stat(source).catch(() => null);
    if (!st) throw new NotFoundError('file or directory', source);
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    throw new UsageError(`cannot import "${source}": not a file or directory`);
  } catch (err) {
    throw wrap('import', sourceLabel(source), err);
  }
}

/** The program that fills ROOTFS from PATH (the directory, the archive, or where the stream was saved). */
export function fillArgv(kind: ImportKind, path: string, rootfs: string): string[] {
  return kind === 'dir' ? ['cp', '-a', '--', `${path}/.`, rootfs] : extractArgv(path, rootfs);
}

/** Where a streamed archive is saved inside the image's build directory. */
export function spoolPath(dir: string): string {
  return `${dir}/input`;
}

async function fill(source: ImportSource, kind: ImportKind, dir: string, rootfs: string): Promise<void> {
  const path = typeof source === 'string' ? source : spoolPath(dir);
  if (typeof source !== 'string') await spoolToFile(source, path);
  await runChecked(fillArgv(kind, path, rootfs), { timeoutMs: 30 * 60_000 });
  if (typeof source !== 'string') await rm(path, { force: true });
}

/** Imports a rootfs as `name:tag`; returns the new image's record. */
export async function importImage(r: RuntimeRoots, source: ImportSource, ref: string): Promise<ImageRecord> {
  const name = normalizeImageRef(ref);
  const kind = await checkImportSource(source);
  const { dir, rootfs } = await newImageDir(r);
  const record: ImageRecord = {
    id: randomBytes(32).toString('hex'),
    created: new Date().toISOString(),
    source: 'import',
    config: emptyImageConfig(),
  };
  try {
    await fill(source, kind, dir, rootfs);
    await commitImage(r, dir, record);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw wrap('import', sourceLabel(source), err);
  }
  await tagImage(r, name, record.id);
  return record;
}
