/**
 * What `doctor` and `gc` look at in volumes: directories under `<root>/volumes` with no
 * record (a command killed between making a volume's directory and committing its record:
 * gc removes them), and anonymous volumes no container uses any more (a container removed
 * without `-v`, a `compose down`: they may hold data, so doctor names them and `volume
 * prune` removes them; gc leaves them).
 */
import { readdir } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Step } from '../model/steps.js';
import { removeVolumeFiles, volumesDir } from '../runtime/volumes.js';

/** Volume directories without a record. */
export async function leakedVolumeDirs(engine: Engine): Promise<string[]> {
  const names = await readdir(volumesDir(engine.roots)).catch(() => [] as string[]);
  return names.filter((n) => !engine.store.volumes.get(n));
}

/** Anonymous volumes no container uses. */
export function danglingAnonymous(engine: Engine): string[] {
  const s = engine.store;
  return s.volumes
    .list()
    .filter((v) => v.anonymous && s.volumes.users(v.name).length === 0)
    .map((v) => v.name);
}

/** gc's steps removing leaked volume directories. */
export function leakedVolumeSteps(engine: Engine, names: readonly string[]): Step[] {
  return names.map((n) => ({
    describe: `remove leaked volume directory ${volumesDir(engine.roots)}/${n}`,
    apply: () => removeVolumeFiles(engine.roots, n),
  }));
}
