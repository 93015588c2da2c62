/**
 * Secrets and configs on the host side: a `file:` bound read-only as it is, or, when it
 * has a mode, uid or gid, or comes from `environment:` / `content:`, a copy `up` writes
 * under the run root (a tmpfs, as Docker keeps secrets) and binds. The text is only read
 * and written by the apply step; plans and messages carry paths alone.
 */
import { existsSync } from 'node:fs';
import type { MountRequest } from '../model/volume.js';
import type { ComposeFileMount, ComposeService } from './types.js';
import { NotFoundError } from '../errors.js';

/** A file `up` writes before it starts the container. */
export interface WrittenFile {
  path: string;
  /** Copied from this host file, or `content`. */
  from?: string;
  content?: string;
  mode: number;
  uid: number;
  gid: number;
}

/** A service container's secret and config mounts, and the files to write for them. */
export function fileMounts(
  runRoot: string,
  project: string,
  container: string,
  svc: ComposeService,
): { mounts: MountRequest[]; writes: WrittenFile[] } {
  const mounts: MountRequest[] = [];
  const writes: WrittenFile[] = [];
  for (const f of svc.files ?? []) {
    if (f.file !== undefined && !existsSync(f.file))
      throw new NotFoundError(`${f.kind} file`, f.file, `service "${svc.name}" needs ${f.kind} "${f.key}"`);
    const copy = f.file === undefined || f.mode !== undefined || f.uid !== undefined || f.gid !== undefined;
    const source = copy ? `${runRoot}/compose/${project}/${container}/${f.kind}s/${f.key}` : f.file!;
    if (copy) writes.push(written(source, f));
    mounts.push({ type: 'bind', source, target: f.target, readOnly: true, create: false });
  }
  return { mounts, writes };
}

function written(path: string, f: ComposeFileMount): WrittenFile {
  return {
    path,
    ...(f.file !== undefined ? { from: f.file } : { content: f.content ?? '' }),
    mode: f.mode ?? 0o444,
    uid: f.uid ?? 0,
    gid: f.gid ?? 0,
  };
}
