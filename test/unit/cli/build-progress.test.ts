import { describe, expect, it } from 'vitest';
import {
  addOutput,
  liveLines,
  OUTPUT_TAIL,
  type ProgressStep,
  stepLine,
} from '../../../src/cli/format/build-progress.js';
import { buildTty } from '../../../src/cli/format/build-tty.js';
import { captureStream } from './capture.js';

const step = (over: Partial<ProgressStep> = {}): ProgressStep => ({
  stage: 1,
  n: 2,
  total: 4,
  text: 'RUN make',
  cached: false,
  started: 1_000,
  output: [],
  ...over,
});
const entry = (l: string, p = false) => ({ t: '', s: 'stdout' as const, l, ...(p ? { p } : {}) });

describe('build progress renderer', () => {
  it('heads a step with its place, text and elapsed time, or CACHED', () => {
    expect(stepLine(step(), 3_450)).toBe('=> [1 2/4] RUN make  2.5s');
    expect(stepLine(step({ cached: true }), 9_000)).toBe('=> [1 2/4] RUN make  CACHED');
  });

  it("names a compose service's steps as compose shows them", () => {
    expect(stepLine(step({ service: 'web' }), 3_450)).toBe('=> [web 1 2/4] RUN make  2.5s');
  });

  it('cuts a long step line to the terminal width, keeping the time', () => {
    const line = stepLine(step({ text: `RUN ${'x'.repeat(100)}` }), 1_000, 40);
    expect(line).toHaveLength(40);
    expect(line.endsWith('...  0.0s')).toBe(true);
  });

  it("shows the running step's last output lines under it, pieces joined", () => {
    const s = step();
    for (let i = 1; i <= OUTPUT_TAIL + 2; i++) addOutput(s, entry(`line ${i}`));
    addOutput(s, entry('part ', true));
    addOutput(s, entry('done'));
    const lines = liveLines(s, 2_000);
    expect(lines[0]).toBe('=> [1 2/4] RUN make  1.0s');
    expect(lines.slice(1)).toHaveLength(OUTPUT_TAIL);
    expect(lines.at(-1)).toBe('   part done');
    expect(lines[1]).toBe(`   line ${OUTPUT_TAIL + 2 - (OUTPUT_TAIL - 2)}`);
    expect(liveLines(undefined, 0)).toEqual([]);
  });
});

describe('build terminal display', () => {
  it('redraws the running step in place and leaves one line per finished step', async () => {
    const { out, text: written } = captureStream();
    const d = buildTty(out, () => {});
    d.step!({ stage: 1, n: 1, total: 2, text: 'FROM busybox', cached: true });
    d.step!({ stage: 1, n: 2, total: 2, text: 'RUN echo hi', cached: false });
    d.output!(entry('hi'));
    // output right after a draw waits for the 100 ms clock
    await new Promise((r) => setTimeout(r, 250));
    d.done();
    expect(written()).toContain('=> [1 1/2] FROM busybox  CACHED\n');
    expect(written()).toMatch(/=> \[1 2\/2\] RUN echo hi {2}\d+\.\ds\n {3}hi\n/);
    expect(written()).toContain('\x1b[2A\x1b[J');
    expect(written().endsWith('\n')).toBe(true);
    expect(written().split('\x1b[J').at(-1)).toMatch(/^=> \[1 2\/2\] RUN echo hi {2}\d+\.\ds\n$/);
  });
});
