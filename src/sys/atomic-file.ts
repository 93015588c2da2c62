/**
 * Configuration files replaced safely: read byte for byte, written to a temporary file in the
 * same directory with the original's mode and owner, flushed, renamed over the original.
 *
 * Texts are "binary strings" (latin1: one character per byte), so that a file in any
 * encoding is written back exactly as it was read; ASCII text is unaffected.
 */
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { wrap } from '../errors.js';
import { lazyBuiltin } from './lazy-builtin.js';

/** Mode and owner of a file, given to the files written in its place. */
export interface FileInfo {
  mode: number;
  uid: number;
  gid: number;
}

/** The side-effect interface for configuration files; tests pass an in-memory fake. */
export interface TextFiles {
  /** The file's bytes as a binary string, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Mode and owner, or undefined when the file does not exist. */
  info(path: string): Promise<FileInfo | undefined>;
  /** Atomically replaces `path` with `text` (temporary file, fsync, chmod/chown as `like`, rename). */
  replace(path: string, text: string, like: FileInfo): Promise<void>;
  /** Creates `path` with `text`; false (and nothing written) when it already exists. */
  create(path: string, text: string, like: FileInfo): Promise<boolean>;
  /** The names in directory `dir` (none when it does not exist). */
  list(dir: string): Promise<string[]>;
  /** Removes `path`; false when it did not exist. */
  remove(path: string): Promise<boolean>;
}

// Loaded on first use (with it node loads readline and streams, ~1.6 ms): most commands
// replace no file.
const fsp = lazyBuiltin<typeof import('node:fs/promises')>('node:fs/promises');

function missing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function writeFd(path: string, flags: number, text: string, like: FileInfo): Promise<void> {
  const fh = await fsp().open(path, flags, like.mode & 0o7777);
  try {
    await fh.writeFile(Buffer.from(text, 'latin1'));
    // open() applies the umask; chmod does not.
    await fh.chmod(like.mode & 0o7777);
    await fh.chown(like.uid, like.gid);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp().open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The real files. */
export const realFiles: TextFiles = {
  async read(path) {
    try {
      return (await fsp().readFile(path)).toString('latin1');
    } catch (err) {
      if (missing(err)) return undefined;
      throw wrap('read', path, err);
    }
  },
  async info(path) {
    try {
      const st = await fsp().stat(path);
      return { mode: st.mode, uid: st.uid, gid: st.gid };
    } catch (err) {
      if (missing(err)) return undefined;
      throw wrap('stat', path, err);
    }
  },
  async replace(path, text, like) {
    const tmp = join(dirname(path), `.${basename(path)}.netctl-${process.pid}.tmp`);
    try {
      await writeFd(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, text, like);
      await fsp().rename(tmp, path);
      await syncDir(dirname(path));
    } catch (err) {
      await fsp()
        .unlink(tmp)
        .catch(() => undefined);
      throw wrap('write', path, err);
    }
  },
  async create(path, text, like) {
    try {
      await writeFd(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, text, like);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw wrap('write', path, err);
    }
  },
  async list(dir) {
    try {
      return await fsp().readdir(dir);
    } catch (err) {
      if (missing(err)) return [];
      throw wrap('list', dir, err);
    }
  },
  async remove(path) {
    try {
      await fsp().unlink(path);
      return true;
    } catch (err) {
      if (missing(err)) return false;
      throw wrap('remove', path, err);
    }
  },
};
