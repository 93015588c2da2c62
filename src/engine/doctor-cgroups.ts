/**
 * What `doctor` finds about cgroups: none mounted (limits refused, `stats` empty), v1
 * controllers missing, and cgroups under netctl's parent that no container owns (left by a
 * killed `rm`). Reads only.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Engine } from './context.js';
import type { Finding } from './doctor.js';
import { cgroupParent, freshLayout } from '../runtime/cgroup.js';

const WANTED = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio'];

/** The cgroup findings. */
export function diagnoseCgroups(engine: Engine): Finding[] {
  // Read now, not as kept for the boot: a hierarchy mounted or gone since shows here (and is kept).
  const layout = freshLayout();
  if (!layout)
    return [
      {
        area: 'cgroups',
        problem: 'no cgroup hierarchy is mounted: containers run unlimited, --memory/--cpus/--pids-limit are refused',
        fix: 'mount cgroup2 on /sys/fs/cgroup (or the v1 hierarchies), as the host distribution does',
      },
    ];
  const out: Finding[] = [];
  const roots = layout.version === 1 ? [...new Set(Object.values(layout.mounts))] : [layout.root];
  if (layout.version === 1) {
    const missing = WANTED.filter((c) => !layout.mounts[c]);
    if (missing.length > 0)
      out.push({
        area: 'cgroups',
        problem: `cgroup v1 without the ${missing.join(', ')} hierarchies: their limits are refused`,
        fix: `mount them, e.g. mount -t cgroup -o ${missing[0]} cgroup /sys/fs/cgroup/${missing[0]}`,
      });
  }
  const known = new Set(engine.store.containers.list({ all: true }).map((c) => c.id));
  for (const r of roots) {
    const dir = `${r}/${cgroupParent()}`;
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory() && /^[0-9a-f]{64}$/.test(e.name) && !known.has(e.name))
        out.push({
          area: 'cgroups',
          problem: `cgroup ${dir}/${e.name} belongs to no container`,
          fix: `rmdir ${dir}/${e.name}`,
        });
  }
  return out;
}
