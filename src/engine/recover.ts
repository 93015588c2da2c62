/**
 * Repairing after a command that was killed half-way (its journal entry never committed,
 * store/journal.ts): the database rolled back to before it, so whatever it had made in the
 * kernel is a leak and whatever it had taken away is missing, which is what `gc` repairs.
 * A removal is finished instead of undone: its record goes now, and gc then removes its
 * process, files, namespace and veths as leaks, since putting back half a removed container
 * could not be done (its files may be gone).
 */
import type { Engine } from './context.js';
import { reloadForwardChains } from '../firewall/ufw/routes-apply.js';
import { type GcFound, planGc } from './gc.js';
import type { Planned } from './plan.js';
import type { JournalEntry } from '../store/index.js';

/** What a recovery did: gc's findings and the removals it finished. */
export interface Recovered extends GcFound {
  finished: string[];
}

/** Plans the repair of interrupted commands (call under the write lock). */
export async function planRecovery(engine: Engine, entries: readonly JournalEntry[]): Promise<Planned<Recovered>> {
  const s = engine.store;
  const finished: string[] = [];
  for (const id of new Set(entries.flatMap((e) => e.removing ?? []))) {
    if (s.containers.get(id)?.id !== id) continue;
    s.containers.remove(id);
    finished.push(id);
  }
  const gc = await planGc(engine);
  // Docker's rules (the watch's) are not in the database: their truth is ufw's file, which
  // a killed writer may have left ahead of, or behind, the live chain.
  const reload = {
    describe: "reload ufw's forward chains from its user rules files",
    apply: () => reloadForwardChains(engine.ufw),
  };
  return { ...gc, steps: [...gc.steps, reload], result: { ...gc.result, finished } };
}
