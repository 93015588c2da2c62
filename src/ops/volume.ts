/**
 * The volume verbs as use cases: create, ls, inspect, rm and prune (planned under the lock
 * through `transact`, or shown for `--dry-run`), and the volume view `ls`, `inspect` and
 * the TUI read.
 */
import { planCreateVolume, planPruneVolumes, planRemoveVolume } from '../engine/volumes.js';
import { anonymousName } from '../engine/volumes.js';
import type { MountRecord, Volume, VolumeSpec } from '../model/volume.js';
import { volumePaths, volumeSource } from '../runtime/volumes.js';
import { ErrorList } from '../errors.js';
import type { Host } from './host.js';
import { type Outcome, type Previewed, transact, transactPreview } from './tx.js';
import type { DryRunOption } from './network.js';

export type { Volume, VolumeSpec } from '../model/volume.js';

/** A volume as `inspect` and `ls --json` show it: Docker's fields, and its users. */
export interface VolumeView {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** netctl's: made for one container, removed with it by `rm -v`. */
  Anonymous: boolean;
  /** netctl's: the containers using it, and where. */
  UsedBy: { Container: string; Destination: string }[];
}

function view(host: Host, v: Volume): VolumeView {
  return {
    Name: v.name,
    Driver: v.driver,
    Mountpoint: volumeSource(host.paths, v),
    CreatedAt: v.createdAt,
    Labels: v.labels,
    Options: v.options,
    Scope: 'local',
    Anonymous: v.anonymous,
    UsedBy: host
      .store()
      .volumes.users(v.name)
      .map((u) => ({ Container: u.containerName, Destination: u.target })),
  };
}

/** Creates a volume (a random name when SPEC has none); an existing one with the same options is returned as it is. */
export async function createVolume(
  host: Host,
  spec: Partial<VolumeSpec>,
  o: DryRunOption = {},
): Promise<Previewed<Volume>> {
  return transactPreview(host, o, async (engine) =>
    planCreateVolume(engine, { ...spec, name: spec.name ?? anonymousName(engine) }),
  );
}

/** Every volume; with `dangling` only the unused ones. */
export async function listVolumes(host: Host, o: { dangling?: boolean } = {}): Promise<VolumeView[]> {
  const all = host
    .store()
    .volumes.list()
    .map((v) => view(host, v));
  return o.dangling ? all.filter((v) => v.UsedBy.length === 0) : all;
}

/** One volume's view. */
export async function inspectVolume(host: Host, name: string): Promise<VolumeView> {
  return view(host, host.store().volumes.require(name));
}

/** Removes a volume: refused while a container uses it (naming them). */
export async function removeVolume(host: Host, name: string, o: DryRunOption = {}): Promise<Outcome<Volume>> {
  return transact(host, o, async (engine) => planRemoveVolume(engine, name));
}

/** Removes the unused volumes (anonymous only unless `all`); the result is their names. */
export async function pruneVolumes(host: Host, o: DryRunOption & { all?: boolean } = {}): Promise<Previewed<string[]>> {
  return transactPreview(host, o, async (engine) => planPruneVolumes(engine, o));
}

/** The directory a volume's files are in (for messages and the TUI). */
export function volumeDir(host: Host, name: string): string {
  return volumePaths(host.paths, name).dir;
}

/** Removes several volumes, each in its own transaction; failures reported together. */
export async function removeVolumes(
  host: Host,
  names: readonly string[],
  o: DryRunOption & { force?: boolean },
  done: (name: string, out: Outcome<Volume>) => void,
): Promise<void> {
  const errors = new ErrorList();
  for (const n of names)
    await errors.attempt('remove volume', n, async () => {
      // -f: a volume that does not exist is no error, as in Docker.
      if (o.force && !host.store().volumes.get(n)) return;
      done(n, await removeVolume(host, n, o));
    });
  errors.throwIfAny();
}

/** One entry of inspect's `Mounts`, as Docker shows it. */
export interface MountView {
  Type: 'volume' | 'bind' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: 'local';
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** A container's mounts as inspect's `Mounts`: its recorded mounts, or for an older record its binds. */
export function mountsView(config: Record<string, unknown>): MountView[] {
  const cfg = config as {
    mounts?: MountRecord[];
    launch?: { binds?: { source: string; target: string; readOnly: boolean }[] };
  };
  const etc = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname'];
  const records: MountRecord[] =
    cfg.mounts ??
    (cfg.launch?.binds ?? []).filter((b) => !etc.includes(b.target)).map((b) => ({ type: 'bind' as const, ...b }));
  return records.map((m) => ({
    Type: m.type,
    ...(m.type === 'volume' ? { Name: m.name } : {}),
    Source: m.source,
    Destination: m.target,
    ...(m.type === 'volume' ? { Driver: 'local' as const } : {}),
    Mode: m.type === 'tmpfs' ? (m.options ?? '') : m.readOnly ? 'ro' : '',
    RW: !m.readOnly,
    Propagation: m.type === 'bind' ? 'rprivate' : '',
  }));
}

/** A container's mounts as one line each, for the TUI: `volume dbdata -> /var/lib/db (ro)`. */
export function mountLines(config: Record<string, unknown>): string[] {
  return mountsView(config).map(
    (m) =>
      `${m.Type} ${m.Type === 'volume' ? (m.Name ?? '').slice(0, 24) : m.Type === 'bind' ? m.Source : m.Mode || '-'} -> ${m.Destination}${m.RW ? '' : ' (ro)'}`,
  );
}
