/**
 * The image index: which `name:tag` points at which image id. Every read and write of it
 * goes through this module, so that moving it into the state database touches one file.
 * For now it is `<root>/images/index.json`, replaced atomically under a lock directory.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { ConflictError, SystemError, wrap } from '../errors.js';

/** The image index. */
export interface ImageIndex {
  /** Every tag, `name:tag` → image id. */
  all(): Promise<Record<string, string>>;
  /** The id `ref` (normalized `name:tag`) points at. */
  get(ref: string): Promise<string | undefined>;
  /** Points `ref` at `id`; returns the id it pointed at before. */
  set(ref: string, id: string): Promise<string | undefined>;
  /** Removes `ref`; returns the id it pointed at. */
  delete(ref: string): Promise<string | undefined>;
}

const LOCK_WAIT_MS = 10_000;
// A lock older than this was left by a killed command.
const LOCK_STALE_MS = 60_000;

async function lock(path: string): Promise<() => Promise<void>> {
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(path);
      return () => rm(path, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw wrap('lock', path, err);
    }
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > LOCK_STALE_MS) await rm(path, { recursive: true, force: true });
    else if (Date.now() > end)
      throw new ConflictError(`image index is locked ("${path}")`, 'another netctl command is changing images; retry');
    else await new Promise((r) => setTimeout(r, 20));
  }
}

/** The file-backed index under `<imagesDir>/index.json`. */
export function fileImageIndex(imagesDir: string): ImageIndex {
  const file = `${imagesDir}/index.json`;

  async function read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw wrap('read image index', file, err);
    }
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new SystemError(`read image index "${file}": not an object`);
    return data as Record<string, string>;
  }

  async function update<T>(change: (index: Record<string, string>) => T): Promise<T> {
    await mkdir(imagesDir, { recursive: true });
    const unlock = await lock(`${file}.lock`);
    try {
      const index = await read();
      const result = change(index);
      const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
      await writeFile(`${file}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
      return result;
    } finally {
      await unlock();
    }
  }

  return {
    all: read,
    get: async (ref) => (await read())[ref],
    set: (ref, id) =>
      update((index) => {
        const before = index[ref];
        index[ref] = id;
        return before;
      }),
    delete: (ref) =>
      update((index) => {
        const before = index[ref];
        delete index[ref];
        return before;
      }),
  };
}
