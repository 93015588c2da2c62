/**
 * COPY and ADD: the planned items (model/dockerfile/sources.ts) written into a staging
 * directory with the parent directories they need (owners and modes as the image has them),
 * owned by root or `--chown`, `--chmod` applied; ADD fetches URLs and unpacks local tar
 * archives. The staging directory becomes the layer, in the layer store's temp namespace, so a
 * killed build leaves nothing the next command does not sweep.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, chmod, lchown, lstat, mkdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { CopyPlan, CopyStep } from '../model/dockerfile/api.js';
import { DockerfileError } from '../model/dockerfile/errors.js';
import { extractArchive } from '../runtime/image-layer.js';
import { withImageView } from '../runtime/image-view.js';
import { storeDirLayer } from '../runtime/layer-from-dir.js';
import { layersDir } from '../runtime/layer-store.js';
import type { Host } from './host.js';

/** What one COPY/ADD takes. */
export interface CopyJob {
  step: CopyStep;
  plan: CopyPlan;
  /** Root of the source tree. */
  root: string;
  /** The image the layer goes on (its directories' owners and modes are kept), none for scratch. */
  parent: string | undefined;
  owner: { uid: number; gid: number };
  /** Pins the layer's diff id before it is in place (build.ts). */
  pin?: (diffId: string) => Promise<void>;
}

const TAR_NAME = /\.(tar|tgz|tar\.(gz|bz2|xz|zst))$/i;

async function ensureParents(stage: string, view: string, dest: string, made: Set<string>): Promise<void> {
  const parts = dest.split('/').filter(Boolean).slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    if (made.has(rel)) continue;
    made.add(rel);
    const st = await lstat(`${view}/${rel}`).catch(() => null);
    await mkdir(`${stage}/${rel}`, { mode: 0o755 }).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    await chmod(`${stage}/${rel}`, st.mode & 0o7777);
    await lchown(`${stage}/${rel}`, st.uid, st.gid);
    await utimes(`${stage}/${rel}`, st.atime, st.mtime);
  }
}

async function fetchUrl(job: CopyJob, url: string, to: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new DockerfileError(job.step.line, `ADD failed: cannot fetch "${url}": ${(err as Error).message}`);
  }
  if (!res.ok) throw new DockerfileError(job.step.line, `ADD failed: "${url}" answered ${res.status}`);
  await writeFile(to, Buffer.from(await res.arrayBuffer()), { mode: 0o600 });
  const modified = res.headers.get('last-modified');
  if (modified && !Number.isNaN(Date.parse(modified))) await utimes(to, new Date(), new Date(modified));
}

async function copyOne(job: CopyJob, item: CopyPlan['items'][number], to: string): Promise<boolean> {
  const from = item.source === '.' ? job.root : `${job.root}/${item.source}`;
  if (item.type === 'url') return fetchUrl(job, item.source, to).then(() => true);
  if (item.type === 'heredoc') {
    const h = job.step.heredocs.find((x) => x.name === item.source);
    await writeFile(to, h?.content ?? '', { mode: 0o644 });
    return true;
  }
  const st = await lstat(from);
  if (item.type === 'dir') {
    await mkdir(to, { recursive: true, mode: 0o755 });
    await chmod(to, st.mode & 0o7777);
  } else if (item.type === 'symlink') await symlink(await readlink(from), to);
  else if (job.step.kind === 'ADD' && TAR_NAME.test(item.source)) {
    // ADD unpacks a local archive into the destination directory; its members keep their owners.
    const dir = posix.basename(to) === posix.basename(item.source) ? posix.dirname(to) : to;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await extractArchive(from, dir);
    return false;
  } else {
    await copyFile(from, to);
    await chmod(to, st.mode & 0o7777);
  }
  if (!st.isSymbolicLink()) await utimes(to, st.atime, st.mtime);
  return true;
}

/** Writes JOB's files as a layer; returns its diff id. */
export async function copyLayer(host: Host, job: CopyJob): Promise<string> {
  const stage = `${layersDir(host.paths)}/.tmp-${process.pid}-copy-${randomBytes(6).toString('hex')}`;
  await mkdir(stage, { recursive: true, mode: 0o755 });
  try {
    const made = new Set<string>();
    await withImageView(host.paths, job.parent, async (view) => {
      for (const item of job.plan.items) await ensureParents(stage, view, item.dest, made);
    });
    const mode = job.step.chmod ? parseInt(job.step.chmod, 8) : undefined;
    for (const item of job.plan.items) {
      const to = `${stage}${item.dest}`;
      if (item.type !== 'dir') await rm(to, { recursive: true, force: true }).catch(() => undefined);
      if (!(await copyOne(job, item, to))) continue;
      await lchown(to, job.owner.uid, job.owner.gid);
      if (mode !== undefined && item.type !== 'symlink') await chmod(to, mode);
    }
    return (await storeDirLayer(host.paths, stage, job.pin ? { beforePlace: job.pin } : {})).diffId;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
