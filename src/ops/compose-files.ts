/**
 * Writing the secret and config files a service container binds (compose/prepare-files.ts):
 * under the run root, owned and moded as the file asks, each written to a temporary name
 * and renamed so that a container never sees half a file.
 */
import { chmod, chown, copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { WrittenFile } from '../compose/prepare-files.js';

/** Writes `files`. */
export async function writeServiceFiles(files: readonly WrittenFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(f.path), { recursive: true, mode: 0o700 });
    const tmp = `${f.path}.tmp-${process.pid}`;
    if (f.from !== undefined) await copyFile(f.from, tmp);
    else await writeFile(tmp, f.content ?? '', { mode: 0o600 });
    await chown(tmp, f.uid, f.gid);
    await chmod(tmp, f.mode);
    await rename(tmp, f.path);
  }
}
