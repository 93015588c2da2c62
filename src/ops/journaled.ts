/**
 * Applying a plan under its journal entry, and repairing the commands that died under
 * theirs (store/journal.ts, engine/recover.ts). tx.ts calls both: the repair before a
 * command takes the lock for its own work, the journaled apply inside it.
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/context.js';
import type { Planned } from '../engine/plan.js';
import { planRecovery, type Recovered } from '../engine/recover.js';
import { NetctlError, SystemError, messageOf } from '../errors.js';
import { IncompleteRollback, runSteps } from '../model/steps.js';
import { endTaggedTools, TX_ENV } from '../sys/orphans.js';

/** The outermost transaction of this process, while it runs: nested ones share its entry. */
interface Current {
  id: string;
  steps: string[];
  removing: string[];
  written: boolean;
}
let current: Current | undefined;

/**
 * Runs `fn` as one journaled transaction's body (inside the lock): the entry is written as
 * the first steps are about to run, and marked committed at the end of `fn`, inside the
 * database transaction. Returns the id whose file to remove once committed, if written.
 */
export async function journaled<T>(engine: Engine, fn: () => Promise<T>): Promise<{ value: T; id?: string }> {
  if (current) return { value: await fn() };
  const tx: Current = { id: randomBytes(8).toString('hex'), steps: [], removing: [], written: false };
  current = tx;
  try {
    const value = await fn();
    if (tx.written) engine.store.journal.commit(tx.id);
    return tx.written ? { value, id: tx.id } : { value };
  } catch (err) {
    // Rolled back completely: nothing to repair. Otherwise the entry stays for the next command.
    if (tx.written && err instanceof NetctlError && !(err instanceof IncompleteRollback))
      engine.store.journal.end(tx.id);
    throw err;
  } finally {
    current = undefined;
    delete process.env[TX_ENV];
  }
}

/** Applies a plan's steps, its intent written to the journal first (inside {@link journaled}). */
export async function applyJournaled(engine: Engine, p: Planned<unknown>): Promise<void> {
  if (p.steps.length === 0) return;
  const tx = current;
  if (tx) {
    tx.steps.push(...p.steps.map((s) => s.describe));
    tx.removing.push(...(p.removing ?? []));
    engine.store.journal.begin({
      id: tx.id,
      pid: process.pid,
      started: new Date().toISOString(),
      steps: tx.steps,
      ...(tx.removing.length > 0 ? { removing: tx.removing } : {}),
    });
    tx.written = true;
    // Every program started from here on carries the id: a repair finds it if we are killed.
    process.env[TX_ENV] = tx.id;
  }
  await runSteps(p.steps);
}

/**
 * Repairs what killed commands left (their journal entries never committed), in its own
 * transaction: their leftover kernel tools ended, removals finished, leaks removed and the
 * rules re-applied from the database. Cheap when there is nothing: one directory read.
 */
export async function recoverInterrupted(engine: Engine): Promise<Recovered | undefined> {
  const journal = engine.store.journal;
  // Inside a transaction of this process, the entry found may be its own.
  if (current || !journal.any()) return undefined;
  let ids: string[] = [];
  const out = await engine.store.locked(async () => {
    const entries = journal.interrupted();
    if (entries.length === 0) return undefined;
    ids = entries.map((e) => e.id);
    for (const id of ids) await endTaggedTools(id);
    const p = await planRecovery(engine, entries);
    // Tagged as the first of them: killed again, the next repair ends these tools too.
    process.env[TX_ENV] = ids[0];
    try {
      await runSteps(p.steps);
    } catch (err) {
      throw new SystemError(`repair after an interrupted command: ${messageOf(err)}`, {
        hint: 'run "netctl doctor" to see what is left, and "netctl gc" to retry the repair',
        cause: err,
      });
    } finally {
      delete process.env[TX_ENV];
    }
    return p.result;
  });
  for (const id of ids) journal.end(id);
  return out;
}
