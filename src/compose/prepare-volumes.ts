/**
 * The volume checks and choices of `up` before anything changes: external volumes must
 * exist, and a recreated container keeps the anonymous volumes of the one it replaces
 * (its `- /data` mounts and the image's VOLUMEs), as compose does, so that a config
 * change does not lose a database kept in an anonymous volume.
 */
import type { Engine } from '../engine/context.js';
import type { RunRequest } from '../engine/containers.js';
import type { Container } from '../model/container.js';
import type { MountRecord } from '../model/volume.js';
import type { ComposeProject } from './types.js';
import { NotFoundError } from '../errors.js';

/** Refuses a project whose external volumes do not exist. */
export function checkExternalVolumes(engine: Engine, p: ComposeProject): void {
  for (const v of p.volumes)
    if (v.external && !engine.store.volumes.get(v.name))
      throw new NotFoundError(
        'external volume',
        v.name,
        `create it first (netctl volume create ${v.name}), or drop "external"`,
      );
}

/** The anonymous volumes container C has, by target. */
function anonymousOf(engine: Engine, c: Container): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (c.config as { mounts?: MountRecord[] }).mounts ?? [])
    if (m.type === 'volume' && m.name && engine.store.volumes.get(m.name)?.anonymous) out.set(m.target, m.name);
  return out;
}

/** Makes REQ reuse the anonymous volumes of OLD, the container it would replace. */
export function keepAnonymous(engine: Engine, old: Container | undefined, req: RunRequest): void {
  const m = req.mounts;
  if (!old || !m) return;
  const have = anonymousOf(engine, old);
  const mounts = m.mounts.map((x) =>
    x.type === 'volume' && x.name === undefined && have.has(x.target) ? { ...x, name: have.get(x.target)! } : x,
  );
  for (const t of m.imageVolumes)
    if (have.has(t) && !mounts.some((x) => x.target === t))
      mounts.push({ type: 'volume', name: have.get(t)!, target: t, readOnly: false, noCopy: false });
  req.mounts = { ...m, mounts };
}
