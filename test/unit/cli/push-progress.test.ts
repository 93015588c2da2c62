import { describe, expect, it } from 'vitest';
import { pushProgress } from '../../../src/cli/format/push-progress.js';
import { captureStream } from './capture.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function capture(tty: boolean) {
  const { out, text } = captureStream();
  const show = pushProgress(out, tty);
  show({ kind: 'resolved', ref: 'registry.test/app', layers: 2 });
  show({ kind: 'layer', diffId: A, state: 'preparing' });
  show({ kind: 'layer', diffId: B, state: 'preparing' });
  show({ kind: 'layer', diffId: A, state: 'mounted', from: 'test/base' });
  show({ kind: 'layer', diffId: B, state: 'pushing' });
  show({ kind: 'layer', diffId: B, state: 'done' });
  return text();
}

describe('push progress', () => {
  it('writes one plain line per layer state when the output is no terminal', () => {
    expect(capture(false)).toBe(
      [
        'The push refers to repository [registry.test/app] (2 layers)',
        'aaaaaaaaaaaa: Preparing',
        'bbbbbbbbbbbb: Preparing',
        'aaaaaaaaaaaa: Mounted from test/base',
        'bbbbbbbbbbbb: Pushing',
        'bbbbbbbbbbbb: Pushed',
        '',
      ].join('\n'),
    );
  });

  it('redraws one row per layer in place on a terminal', () => {
    const t = capture(true);
    expect(
      t.startsWith('The push refers to repository [registry.test/app] (2 layers)\n\x1b[2Kaaaaaaaaaaaa: Preparing\n'),
    ).toBe(true);
    expect(t).toContain('\x1b[1A\x1b[2Kaaaaaaaaaaaa: Preparing\n\x1b[2Kbbbbbbbbbbbb: Preparing\n');
    expect(t.endsWith('\x1b[2A\x1b[2Kaaaaaaaaaaaa: Mounted from test/base\n\x1b[2Kbbbbbbbbbbbb: Pushed\n')).toBe(true);
  });
});
