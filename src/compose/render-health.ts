/**
 * `healthcheck` and `depends_on` back in compose's shape, for `compose config`: durations
 * as Go prints them (`1m30s`, `500ms`). Pure.
 */
import type { HealthConfig } from '../model/health.js';
import type { ComposeService, Mapping } from './types.js';

/** Nanoseconds as Go's time.Duration.String() prints them. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${ns / 1e3}µs`;
  if (ns < 1e9) return `${ns / 1e6}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = (ns % 60e9) / 1e9;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** The healthcheck mapping (`disable: true` for NONE, as compose prints it). */
export function renderHealth(h: HealthConfig): Mapping {
  if (h.Test[0] === 'NONE') return { disable: true };
  const m: Mapping = {};
  if (h.Test.length > 0) m.test = h.Test;
  if (h.Interval) m.interval = formatDuration(h.Interval);
  if (h.Timeout) m.timeout = formatDuration(h.Timeout);
  if (h.Retries) m.retries = h.Retries;
  if (h.StartPeriod) m.start_period = formatDuration(h.StartPeriod);
  if (h.StartInterval) m.start_interval = formatDuration(h.StartInterval);
  return m;
}

/** `depends_on` with each entry's condition (service_started unless the file said otherwise). */
export function renderDependsOn(s: ComposeService): Mapping {
  const by = new Map((s.waitFor ?? []).map((d) => [d.service, d]));
  return Object.fromEntries(
    s.dependsOn.map((name) => {
      const d = by.get(name);
      const entry: Mapping = { condition: d?.condition ?? 'service_started' };
      if (d && !d.required) entry.required = false;
      if (d?.restart) entry.restart = true;
      return [name, entry];
    }),
  );
}
