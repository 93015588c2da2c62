/**
 * `image import`: a root filesystem from a tar archive (any compression tar knows), a
 * directory, or a stream, stored as a new image with an empty config.
 */
import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runChecked } from '../sys/exec.js';
import { NotFoundError, UsageError, wrap } from '../errors.js';
import { emptyImageConfig, type ImageRecord } from './image-config.js';
import { extractArchive } from './image-layer.js';
import { normalizeImageRef } from './image-ref.js';
import { commitImage, newImageDir, tagImage } from './image-store.js';
import type { RuntimeRoots } from './paths.js';
import { spoolToFile } from './spool.js';

/** Where an import reads from: a path (file or directory) or a stream. */
export type ImportSource = string | Readable;

async function fill(source: ImportSource, dir: string, rootfs: string): Promise<void> {
  if (typeof source !== 'string') {
    const file = `${dir}/input`;
    await spoolToFile(source, file);
    await extractArchive(file, rootfs);
    await rm(file, { force: true });
    return;
  }
  const st = await stat(source).catch(() => null);
  if (!st) throw new NotFoundError('file or directory', source);
  if (st.isDirectory()) {
    await runChecked(['cp', '-a', '--', `${source}/.`, rootfs], { timeoutMs: 30 * 60_000 });
  } else if (st.isFile()) {
    await extractArchive(source, rootfs);
  } else {
    throw new UsageError(`cannot import "${source}": not a file or directory`);
  }
}

/** Imports a rootfs as `name:tag`; returns the new image's record. */
export async function importImage(r: RuntimeRoots, source: ImportSource, ref: string): Promise<ImageRecord> {
  const name = normalizeImageRef(ref);
  const { dir, rootfs } = await newImageDir(r);
  const record: ImageRecord = {
    id: randomBytes(32).toString('hex'),
    created: new Date().toISOString(),
    source: 'import',
    config: emptyImageConfig(),
  };
  try {
    await fill(source, dir, rootfs);
    await commitImage(r, dir, record);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw wrap('import', typeof source === 'string' ? source : '-', err);
  }
  await tagImage(r, name, record.id);
  return record;
}
