import { describe, expect, it } from 'vitest';
import { parseTimeSpec } from '../../../src/model/time-spec.js';

const now = Date.parse('2026-01-01T12:00:00Z');

describe('log time specs', () => {
  it('reads RFC 3339 times, dates, Unix seconds and durations', () => {
    expect(parseTimeSpec('--since', '2026-01-01T11:00:00Z', now)).toBe(now - 3_600_000);
    expect(parseTimeSpec('--since', '2026-01-01T11:00:00', now)).toBe(now - 3_600_000);
    expect(parseTimeSpec('--since', '2026-01-01T13:00:00+02:00', now)).toBe(now - 3_600_000);
    expect(parseTimeSpec('--since', '2026-01-01', now)).toBe(now - 12 * 3_600_000);
    expect(parseTimeSpec('--since', String(now / 1000), now)).toBe(now);
    expect(parseTimeSpec('--since', '10m', now)).toBe(now - 600_000);
    expect(parseTimeSpec('--since', '1h30m', now)).toBe(now - 5_400_000);
  });
  it('refuses anything else in one line', () => {
    expect(() => parseTimeSpec('--until', 'yesterday', now)).toThrow(/invalid --until "yesterday"/);
    expect(() => parseTimeSpec('--until', '10 m', now)).toThrow(/invalid --until/);
  });
});
