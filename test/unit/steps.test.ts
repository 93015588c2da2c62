import { describe, expect, it } from 'vitest';
import { runSteps, type Step } from '../../src/engine/steps.js';

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
    await expect(runSteps([step('a'), step('b', false, true), step('c', true)])).rejects.toThrow(/rollback incomplete: undo "b": undo b broke/);
    expect(log).toEqual(['do a', 'do b', 'undo a']);
  });
});
