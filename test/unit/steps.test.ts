import { describe, expect, it } from 'vitest';
import {
  IncompleteRollback,
  afterwards,
  runSteps,
  sequence,
  setStepHook,
  together,
  type Step,
} from '../../src/model/steps.js';

function recorder() {
  const log: string[] = [];
  const step = (name: string, fail = false, undoFails = false): Step => ({
    describe: name,
    apply: () => {
      if (fail) throw new Error(`${name} broke`);
      log.push(`do ${name}`);
    },
    undo: () => {
      if (undoFails) throw new Error(`undo ${name} broke`);
      log.push(`undo ${name}`);
    },
  });
  return { log, step };
}

describe('runSteps', () => {
  it('applies every step in order', async () => {
    const { log, step } = recorder();
    await runSteps([step('a'), step('b')]);
    expect(log).toEqual(['do a', 'do b']);
  });

  it('undoes the applied steps in reverse order when one fails', async () => {
    const { log, step } = recorder();
    await expect(runSteps([step('a'), step('b'), step('c', true), step('d')])).rejects.toThrow('apply "c": c broke');
    expect(log).toEqual(['do a', 'do b', 'undo b', 'undo a']);
  });

  it('keeps undoing when an undo fails and reports it', async () => {
    const { log, step } = recorder();
    await expect(runSteps([step('a'), step('b', false, true), step('c', true)])).rejects.toThrow(
      /rollback incomplete: undo "b": undo b broke/,
    );
    expect(log).toEqual(['do a', 'do b', 'undo a']);
  });
});

describe('sequence and together', () => {
  it('sequence applies in order, undoes what it did when a step fails, and undoes whole in reverse', async () => {
    const { log, step } = recorder();
    await expect(sequence([step('a'), step('b', true)]).apply()).rejects.toThrow('apply "b": b broke');
    expect(log).toEqual(['do a', 'undo a']);
    log.length = 0;
    await expect(runSteps([sequence([step('a'), step('b')]), step('c', true)])).rejects.toThrow('c broke');
    expect(log).toEqual(['do a', 'do b', 'undo b', 'undo a']);
  });

  it('together runs side by side, lets the others finish and undoes those that succeeded', async () => {
    const { log, step } = recorder();
    const slow: Step = {
      describe: 'slow',
      apply: async () => {
        await new Promise((r) => setTimeout(r, 20));
        log.push('do slow');
      },
      undo: () => void log.push('undo slow'),
    };
    const started = Date.now();
    await together([slow, { ...slow, describe: 'slow2' }]).apply();
    expect(Date.now() - started).toBeLessThan(40);
    log.length = 0;
    await expect(together([slow, step('b', true), step('c')]).apply()).rejects.toThrow('b broke');
    expect(log.sort()).toEqual(['do c', 'do slow', 'undo c', 'undo slow']);
  });

  it('a failed undo inside together is named in the error', async () => {
    const { step } = recorder();
    await expect(together([step('a', false, true), step('b', true)]).apply()).rejects.toThrow(
      /b broke \(rollback incomplete: undo "a": undo a broke\)/,
    );
  });
});

describe('the step hook and steps planned afterwards', () => {
  it('sees every step, nested ones too, and fails the one it throws at', async () => {
    const { log, step } = recorder();
    const seen: string[] = [];
    setStepHook((s) => {
      seen.push(s.describe);
      if (s.describe === 'c') throw new Error('injected');
    });
    try {
      await expect(runSteps([step('a'), sequence([step('b'), step('c')]), step('d')])).rejects.toThrow('injected');
    } finally {
      setStepHook(undefined);
    }
    expect(seen).toEqual(['a', 'b, then c', 'b', 'c']);
    expect(log).toEqual(['do a', 'do b', 'undo b', 'undo a']);
  });

  it('plans afterwards once the steps before have run, and undoes what it planned', async () => {
    const { log, step } = recorder();
    const later = afterwards('later', async () => {
      log.push('plan');
      return [step('x'), step('y')];
    });
    await expect(runSteps([step('a'), later, step('b', true)])).rejects.toThrow('b broke');
    expect(log).toEqual(['do a', 'plan', 'do x', 'do y', 'undo y', 'undo x', 'undo a']);
  });

  it('marks an error whose rollback failed', async () => {
    const { step } = recorder();
    await expect(runSteps([step('a', false, true), step('b', true)])).rejects.toBeInstanceOf(IncompleteRollback);
  });
});
