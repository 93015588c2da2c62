/** `ps`'s STATUS in Docker's words (State.String() with units.HumanDuration). */
import { describe, expect, it } from 'vitest';
import { ago, dockerStatus } from '../../../src/cli/format/ps-format.js';
import type { PsRow } from '../../../src/ops/read.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const past = (s: number): string => new Date(NOW - s * 1000).toISOString();
const row = (r: Partial<PsRow>): PsRow =>
  ({ status: 'running', startedAt: past(180), finishedAt: null, exitCode: null, ...r }) as PsRow;

describe('ps status', () => {
  it('words durations as HumanDuration does', () => {
    const cases: [number, string][] = [
      [0.4, 'Less than a second'],
      [1, '1 second'],
      [59, '59 seconds'],
      [60, 'About a minute'],
      [119, 'About a minute'],
      [180, '3 minutes'],
      [3599, '59 minutes'],
      [3600, 'About an hour'],
      [5400, '2 hours'],
      [47 * 3600, '47 hours'],
      [48 * 3600, '2 days'],
      [15 * 86400, '2 weeks'],
      [70 * 86400, '2 months'],
      [800 * 86400, '2 years'],
    ];
    for (const [s, want] of cases) expect(ago(past(s), NOW)).toBe(want);
  });

  it('says Up with the health, Paused, Exited with how long ago, Created', () => {
    expect(dockerStatus(row({ health: 'healthy' }), NOW)).toBe('Up 3 minutes (healthy)');
    expect(dockerStatus(row({ health: 'starting' }), NOW)).toBe('Up 3 minutes (health: starting)');
    expect(dockerStatus(row({ status: 'paused' }), NOW)).toBe('Up 3 minutes (Paused)');
    expect(dockerStatus(row({ status: 'exited', exitCode: 137, finishedAt: past(5) }), NOW)).toBe(
      'Exited (137) 5 seconds ago',
    );
    expect(dockerStatus(row({ status: 'created', startedAt: null }), NOW)).toBe('Created');
    expect(dockerStatus(row({ startedAt: null }), NOW)).toBe('Up');
  });
});
