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
      const failure = err instanceof NetctlError ? err : wrap('apply', step.describe, err);
      if (rollback.errors.length === 0) throw failure;
      throw new NetctlError(failure.code, `${failure.message} (rollback incomplete: ${rollback.errors.map((e) => messageOf(e)).join('; ')})`, {
        exitCode: failure.exitCode,
        hint: 'run "netctl gc" to repair what was left',
        cause: failure,
      });
    }
  }
}
