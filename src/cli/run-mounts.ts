/**
 * `run`'s mount options to the engine's mount input: `-v`, `--mount`, `--tmpfs`,
 * `--volumes-from`, and the image's VOLUMEs. Syntax only; volumes are looked up and
 * made by the engine.
 */
import type { RunRequest } from '../ops/run.js';
import {
  parseMountFlag,
  parseTmpfsFlag,
  parseVolumeFlag,
  parseVolumesFrom,
  type ParsedMount,
} from '../model/mount-spec.js';
import type { MountRequest } from '../model/volume.js';

const list = (o: Record<string, unknown>, key: string): string[] => (o[key] as string[] | undefined) ?? [];

/** The mounts of `run`'s options `o` for an image with VOLUMEs `imageVolumes`; `notes` gets what to tell the user. */
export function runMounts(
  o: Record<string, unknown>,
  imageVolumes: readonly string[],
  notes: string[],
): NonNullable<RunRequest['mounts']> {
  const home = process.env.HOME ?? '/root';
  const mounts: MountRequest[] = [];
  const add = (p: ParsedMount): void => {
    mounts.push(p.mount);
    notes.push(...p.notes);
  };
  for (const v of list(o, 'volume')) add(parseVolumeFlag(v, process.cwd(), home));
  for (const m of list(o, 'mount')) mounts.push(parseMountFlag(m, process.cwd()));
  for (const t of list(o, 'tmpfs')) mounts.push(parseTmpfsFlag(t));
  return { mounts, volumesFrom: list(o, 'volumesFrom').map(parseVolumesFrom), imageVolumes: [...imageVolumes] };
}
