/**
 * `depends_on: {db: {restart: true}}`: Compose restarts a service after an explicit restart of
 * a service it depends on that way (`compose restart db` restarts web too). Pure.
 */
import type { ComposeProject } from './types.js';

/**
 * The services `compose restart NAMES` restarts: the named ones and, transitively, each
 * service whose depends_on names one of them with `restart: true`; in the project's order.
 */
export function restartDependents(project: ComposeProject, names: readonly string[]): string[] {
  const chosen = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of project.services) {
      if (chosen.has(s.name)) continue;
      if ((s.waitFor ?? []).some((d) => d.restart && chosen.has(d.service))) {
        chosen.add(s.name);
        grew = true;
      }
    }
  }
  return project.services.map((s) => s.name).filter((n) => chosen.has(n));
}
