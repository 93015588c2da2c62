import { describe, expect, it } from 'vitest';
import { pullProgress } from '../../../src/cli/format/pull-progress.js';
import { captureStream } from './capture.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function capture(tty: boolean) {
  const { out, text } = captureStream();
  return { show: pullProgress(out, tty), text };
}

describe('pull progress', () => {
  const events = (show: ReturnType<typeof pullProgress>) => {
    show({ kind: 'resolved', ref: 'registry.test/app:v1', digest: A, layers: 2 });
    show({ kind: 'layer', digest: A, size: 2_000_000, state: 'exists' });
    show({ kind: 'layer', digest: B, size: 3_000_000, state: 'downloading' });
    show({ kind: 'bytes', digest: B, bytes: 1_500_000 });
    show({ kind: 'layer', digest: B, size: 3_000_000, state: 'unpacking' });
    show({ kind: 'layer', digest: B, size: 3_000_000, state: 'done' });
  };

  it('writes one plain line per layer state when the output is no terminal', () => {
    const c = capture(false);
    events(c.show);
    expect(c.text()).toBe(
      [
        'Pulling registry.test/app:v1 (2 layers)',
        'aaaaaaaaaaaa: Already exists',
        'bbbbbbbbbbbb: Downloading 3.0MB',
        'bbbbbbbbbbbb: Unpacking',
        'bbbbbbbbbbbb: Pull complete',
        '',
      ].join('\n'),
    );
  });

  it('redraws the layer rows in place on a terminal, with the bytes so far', () => {
    const c = capture(true);
    events(c.show);
    const t = c.text();
    expect(t).toContain('\x1b[2Kbbbbbbbbbbbb: Downloading 0B/3.0MB\n');
    expect(t).toContain('\x1b[2A');
    expect(t.endsWith('\x1b[2Kaaaaaaaaaaaa: Already exists\n\x1b[2Kbbbbbbbbbbbb: Pull complete\n')).toBe(true);
  });
});
