/**
 * A container's cgroup in its run, start and rm plans: made (with its limits) before the
 * process starts, joined by the process first thing, removed with the container. Without
 * cgroups on the host a container still runs, unless it asks for a limit.
 */
import type { Resources } from '../model/resources.js';
import { hasLimits } from '../model/resources.js';
import type { Step } from '../model/steps.js';
import { UsageError } from '../errors.js';
import { type CgroupPlan, describeCgroup, planCgroup } from '../runtime/cgroup-plan.js';
import { cgroupParent, createCgroup, detectLayout, removeCgroup } from '../runtime/cgroup.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import { thawIfFrozen } from '../runtime/freezer.js';
import { blkioHost } from '../runtime/blkio-host.js';

/** The cgroup part of a launch: its step, what the launcher gets, and the dry run's lines. */
export interface CgroupPart {
  plan: CgroupPlan | null;
  steps: Step[];
  notes: string[];
}

/** The cgroup plan of container ID; null when the host has no cgroups. */
export function containerCgroup(id: string, r: Resources | undefined): CgroupPlan | null {
  const layout = detectLayout();
  if (!layout) {
    if (hasLimits(r))
      throw new UsageError('resource limits need cgroups, and this host has none mounted', 'see netctl doctor');
    return null;
  }
  return planCgroup(layout, cgroupParent(), id, r ?? {}, blkioHost(layout, r?.blkio));
}

/** Plans making container ID's cgroup with limits R (undone by removing what it made). */
export function cgroupPart(id: string, r: Resources | undefined): CgroupPart {
  const plan = containerCgroup(id, r);
  if (!plan) return { plan, steps: [], notes: [] };
  let made: string[] = [];
  const step: Step = {
    describe: 'create the cgroup',
    apply: async () => void (made = await createCgroup(plan)),
    undo: () => removeCgroup({ leaves: made }),
  };
  return { plan, steps: [step], notes: describeCgroup(plan) };
}

/** The launch with the cgroup to join and its OOM counter. */
export function withCgroup<T extends Pick<LaunchSpec, 'proc'>>(launch: T, plan: CgroupPlan | null): T {
  if (!plan) return launch;
  const proc = { ...launch.proc, cgroups: plan.procs, ...(plan.oomFile ? { oomFile: plan.oomFile } : {}) };
  return { ...launch, proc };
}

/** The step removing container ID's cgroup (none when the host has no cgroups). */
export function removeCgroupSteps(id: string): Step[] {
  const plan = containerCgroup(id, undefined);
  // The v1 freezer directory `pause` made (kept while paused; the process is gone now).
  const apply = async (): Promise<void> => {
    await thawIfFrozen(id, { remove: true });
    if (plan) await removeCgroup(plan);
  };
  return plan ? [{ describe: 'remove the cgroup', apply }] : [];
}
