/**
 * `pause`/`unpause` through the cgroup freezer. v2: the container's own cgroup's
 * `cgroup.freeze`, done once `cgroup.events` says `frozen 1`. v1: the freezer hierarchy
 * is not one netctl limits through, so the container's processes are moved into
 * `freezer/PARENT/ID` when it is paused, and `freezer.state` goes FROZEN (FREEZING until
 * every task has stopped).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { SystemError } from '../errors.js';
import type { CgroupLayout } from './cgroup-plan.js';
import { cgroupParent, detectLayout } from './cgroup.js';

/** Where a container's freezer is: the v2 directory, or the v1 freezer one. */
export interface FreezerPaths {
  version: 1 | 2;
  dir: string;
}

/** The freezer of container ID under the layout; null where the host has none. Pure. */
export function freezerPaths(layout: CgroupLayout | null, parent: string, id: string): FreezerPaths | null {
  if (!layout) return null;
  if (layout.version === 2) return { version: 2, dir: `${layout.root}/${parent}/${id}` };
  const m = layout.mounts.freezer;
  return m ? { version: 1, dir: `${m}/${parent}/${id}` } : null;
}

/** This host's freezer for container ID. */
export function hostFreezer(id: string): FreezerPaths | null {
  return freezerPaths(detectLayout(), cgroupParent(), id);
}

/**
 * Whether each container is frozen, under the given layout. On v1 a container has a freezer
 * directory only once `pause` moved it there, so one listing of the parent answers for every
 * other one: `ps` read a file per running container for it. v2 reads each container's own.
 */
export function frozenTester(layout: CgroupLayout | null, parent: string): (id: string) => boolean {
  const freezer = layout?.version === 1 ? layout.mounts.freezer : undefined;
  let paused: Set<string> | undefined;
  if (freezer) {
    try {
      paused = new Set(readdirSync(`${freezer}/${parent}`));
    } catch {
      // No parent yet: nothing was ever paused.
      paused = new Set();
    }
  }
  return (id) => (paused && !paused.has(id) ? false : isFrozenSync(freezerPaths(layout, parent, id)));
}

/** {@link frozenTester} under this host's layout. */
export function hostFrozen(): (id: string) => boolean {
  return frozenTester(detectLayout(), cgroupParent());
}

/** Whether the container's processes are frozen (or freezing). */
export async function isFrozen(f: FreezerPaths | null): Promise<boolean> {
  if (!f) return false;
  const file = f.version === 2 ? `${f.dir}/cgroup.freeze` : `${f.dir}/freezer.state`;
  const v = (await readFile(file, 'utf8').catch(() => '')).trim();
  return f.version === 2 ? v === '1' : v === 'FROZEN' || v === 'FREEZING';
}

/**
 * {@link isFrozen}, synchronously: one small cgroupfs file, read at once for a fraction of what
 * fs/promises costs (`ps` asks for every running container).
 */
export function isFrozenSync(f: FreezerPaths | null): boolean {
  if (!f) return false;
  const file = f.version === 2 ? `${f.dir}/cgroup.freeze` : `${f.dir}/freezer.state`;
  let v = '';
  try {
    v = readFileSync(file, 'utf8').trim();
  } catch {
    // No freezer file: a container without its cgroup is not frozen.
  }
  return f.version === 2 ? v === '1' : v === 'FROZEN' || v === 'FREEZING';
}

async function waitFor(test: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new SystemError(`the kernel did not ${what} within 5 s`);
}

/** Freezes the container; `pids` are its processes (moved into the v1 freezer first). */
export async function freeze(f: FreezerPaths, pids: readonly number[]): Promise<void> {
  if (f.version === 2) {
    await writeFile(`${f.dir}/cgroup.freeze`, '1');
    await waitFor(async () => /^frozen 1$/m.test(await readFile(`${f.dir}/cgroup.events`, 'utf8')), 'freeze it');
    return;
  }
  await mkdir(f.dir, { recursive: true });
  // A process that exits meanwhile cannot be moved: ESRCH is not a failure.
  for (const pid of pids) await writeFile(`${f.dir}/cgroup.procs`, String(pid)).catch(() => undefined);
  await writeFile(`${f.dir}/freezer.state`, 'FROZEN');
  await waitFor(async () => (await readFile(`${f.dir}/freezer.state`, 'utf8')).trim() === 'FROZEN', 'freeze it');
}

/** Thaws the container. */
export async function thaw(f: FreezerPaths): Promise<void> {
  if (f.version === 2) {
    await writeFile(`${f.dir}/cgroup.freeze`, '0');
    return;
  }
  if (!existsSync(f.dir)) return;
  await writeFile(`${f.dir}/freezer.state`, 'THAWED');
  await waitFor(async () => (await readFile(`${f.dir}/freezer.state`, 'utf8')).trim() === 'THAWED', 'thaw it');
}

/** Thaws a frozen container (so a stop or kill can end it) and removes the v1 freezer directory when empty. */
export async function thawIfFrozen(id: string, o: { remove?: boolean } = {}): Promise<void> {
  const f = hostFreezer(id);
  if (!f) return;
  if (await isFrozen(f)) await thaw(f);
  if (o.remove && f.version === 1 && existsSync(f.dir)) await rmdir(f.dir).catch(() => undefined);
}
