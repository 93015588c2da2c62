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

/**
 * Called before every step applies (nested ones too), with the step; it may throw (the step
 * then fails) or end the process. Unset in production: the test hooks (sys/test-hooks.ts)
 * set it to kill or fail a command at a chosen step.
 */
export type StepHook = (step: Step) => void;
let hook: StepHook | undefined;

/** Sets (or with undefined clears) the hook every step passes before applying. */
export function setStepHook(h: StepHook | undefined): void {
  hook = h;
}

async function applyStep(step: Step): Promise<void> {
  hook?.(step);
  await step.apply();
}

/** A step failed and some of the undos of the steps before it failed too: the host is half-changed. */
export class IncompleteRollback extends NetctlError {}

/** The error of a failed step, naming what its rollback could not repair. */
function failed(step: Step, err: unknown, rollback: ErrorList): NetctlError {
  const failure = err instanceof NetctlError ? err : wrap('apply', step.describe, err);
  if (rollback.errors.length === 0) return failure;
  return new IncompleteRollback(
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
      await applyStep(step);
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
      const results = await Promise.allSettled(steps.map(async (s) => applyStep(s)));
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

/**
 * Steps planned only when this one applies (they are planned against what the steps before
 * it made), run in order as one: it fails as a whole and undoes in reverse.
 */
export function afterwards(describe: string, plan: () => Promise<readonly Step[]>): Step {
  let planned: Step | undefined;
  return {
    describe,
    apply: async () => {
      planned = sequence(await plan());
      await planned.apply();
    },
    undo: async () => planned?.undo?.(),
  };
}
