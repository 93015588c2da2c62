/**
 * Applying a plan step by step with rollback: each step that succeeds registers how to undo
 * it; when a later step fails, the undos run in reverse order, all of them even when some
 * fail, and the original error is thrown with whatever the rollback could not repair.
 */
import { ErrorList, NetctlError, messageOf, wrap } from '../errors.js';

/** One reversible step. */
export interface Step {
  /** For error messages: `create bridge "br0"`. */
  describe: string;
  apply: () => Promise<void> | void;
  /** Undo, when apply succeeded. Absent for steps that need no undo. */
  undo?: () => Promise<void> | void;
}

/** The error of a failed step, naming what its rollback could not repair. */
function failed(step: Step, err: unknown, rollback: ErrorList): NetctlError {
  const failure = err instanceof NetctlError ? err : wrap('apply', step.describe, err);
  if (rollback.errors.length === 0) return failure;
  return new NetctlError(
    failure.code,
    `${failure.message} (rollback incomplete: ${rollback.errors.map((e) => messageOf(e)).join('; ')})`,
    {
      exitCode: failure.exitCode,
      hint: 'run "netctl gc" to repair what was left',
      cause: failure,
    },
  );
}

/** Runs steps in order; on failure undoes the applied ones in reverse and rethrows. */
export async function runSteps(steps: readonly Step[]): Promise<void> {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      await step.apply();
      done.push(step);
    } catch (err) {
      const rollback = new ErrorList();
      for (const d of done.reverse()) {
        if (d.undo) await rollback.attempt('undo', d.describe, d.undo);
      }
      throw failed(step, err, rollback);
    }
  }
}

/** Steps in order as one step: it fails as a whole (what it did undone) and undoes in reverse. */
export function sequence(steps: readonly Step[]): Step {
  return {
    describe: steps.map((s) => s.describe).join(', then '),
    apply: () => runSteps(steps),
    undo: async () => {
      const rollback = new ErrorList();
      for (const s of [...steps].reverse()) if (s.undo) await rollback.attempt('undo', s.describe, s.undo);
      rollback.throwIfAny();
    },
  };
}

/**
 * Independent steps side by side, as one step: their waits overlap (a restore's and a link
 * deletion's kernel grace periods, say). When one fails, the others finish and those that
 * succeeded are undone, then the first failure is thrown.
 */
export function together(steps: readonly Step[]): Step {
  return {
    describe: steps.map((s) => s.describe).join(' and '),
    apply: async () => {
      const results = await Promise.allSettled(steps.map(async (s) => s.apply()));
      const i = results.findIndex((r) => r.status === 'rejected');
      if (i < 0) return;
      const rollback = new ErrorList();
      await Promise.all(
        steps.map((s, j) =>
          results[j]!.status === 'fulfilled' && s.undo ? rollback.attempt('undo', s.describe, s.undo) : undefined,
        ),
      );
      throw failed(steps[i]!, (results[i] as PromiseRejectedResult).reason, rollback);
    },
    undo: async () => {
      const rollback = new ErrorList();
      await Promise.all(steps.map((s) => (s.undo ? rollback.attempt('undo', s.describe, s.undo) : undefined)));
      rollback.throwIfAny();
    },
  };
}
