/**
 * Keeping `image prune` and `image rm` off layers a concurrent pull, load, push or save is
 * using. A command pins the diff ids (and image id) it works on, in `<root>/layers/.pins/`,
 * under the store's lock; a collection takes the same lock, so it sees every pin written
 * before it and no pin is written while it runs. Pins of dead processes are ignored and
 * removed, so a killed pull never keeps layers forever.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { withFileLock } from '../sys/file-lock.js';
import { layersDir } from './layer-store.js';
import type { RuntimeRoots } from './paths.js';

function pinsDir(r: RuntimeRoots): string {
  return `${layersDir(r)}/.pins`;
}

function lockPath(r: RuntimeRoots): string {
  return `${layersDir(r)}/.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held pin: more ids can be added; `release` removes it. */
export interface LayerPin {
  add(ids: string[]): Promise<void>;
  release(): Promise<void>;
}

/** Pins IDS (diff ids, image ids) for this process until `release`. */
export async function pinLayers(r: RuntimeRoots, ids: string[]): Promise<LayerPin> {
  const file = `${pinsDir(r)}/${process.pid}-${randomBytes(4).toString('hex')}.json`;
  const held = new Set(ids);
  const write = () =>
    withFileLock(lockPath(r), async () => {
      await mkdir(pinsDir(r), { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify({ pid: process.pid, ids: [...held] }));
    });
  await write();
  return {
    async add(more) {
      for (const id of more) held.add(id);
      await write();
    },
    release: () => rm(file, { force: true }),
  };
}

/** The ids live commands have pinned; with CLEAN, dead processes' pins are removed. */
export async function pinnedIds(r: RuntimeRoots, clean = false): Promise<Set<string>> {
  const pinned = new Set<string>();
  for (const n of await readdir(pinsDir(r)).catch(() => [] as string[])) {
    const path = `${pinsDir(r)}/${n}`;
    const doc = await readFile(path, 'utf8').then(
      (t) => JSON.parse(t) as { pid: number; ids: string[] },
      () => null,
    );
    if (!doc || !alive(doc.pid)) {
      if (clean) await rm(path, { force: true });
      continue;
    }
    for (const id of doc.ids) pinned.add(id);
  }
  return pinned;
}

/** Runs FN holding the store's lock, with the ids live commands have pinned. */
export async function withPinned<T>(r: RuntimeRoots, fn: (pinned: ReadonlySet<string>) => Promise<T>): Promise<T> {
  return withFileLock(lockPath(r), async () => fn(await pinnedIds(r, true)), 120_000);
}
