/**
 * Times as `logs --since/--until` take them, as Docker does: an RFC 3339 time
 * (`2024-05-01T10:00:00Z`, a date alone), Unix seconds (`1714557600`, `1714557600.5`), or a
 * duration before now (`10m`, `1h30m`, `90s`). Pure.
 */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The time `spec` means, in ms since the epoch, `now` being now. @throws UsageError naming it. */
export function parseTimeSpec(flag: string, spec: string, now = Date.now()): number {
  const s = spec.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) {
    let ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
    return now - ms;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    // A time without a zone is UTC here, as Docker reads one without a zone.
    const iso = s.replace(' ', 'T');
    const t = Date.parse(/T.*(Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
    if (!Number.isNaN(t)) return t;
  }
  throw new UsageError(
    `invalid ${flag} "${spec}": expected a time (2024-05-01T10:00:00Z), Unix seconds, or a duration (10m, 1h30m)`,
  );
}
