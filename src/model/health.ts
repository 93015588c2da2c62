/**
 * Health checks as Docker configures them: the image's `Healthcheck` (durations in
 * nanoseconds, as Docker stores them), the `--health-*` flags and compose's `healthcheck`
 * key, merged as Docker's daemon merges them. Pure.
 */
import { UsageError } from '../errors.js';

/** Docker's `HealthConfig`: durations in nanoseconds, 0 meaning "inherit, else the default". */
export interface HealthConfig {
  /** `[]` inherit, `["NONE"]` disabled, `["CMD", ...argv]` or `["CMD-SHELL", command]`. */
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** A check with Docker's defaults filled in, in milliseconds, and the argv it runs. */
export interface HealthPlan {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const NS_PER_MS = 1_000_000;
const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * A Go duration (`1m30s`, `500ms`, `1.5h`, `0`) in nanoseconds, as Docker's flags and compose
 * files spell them. @throws UsageError naming `what` and the value.
 */
export function parseDuration(what: string, text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) throw new UsageError(`invalid ${what} "${text}": expected a duration such as 30s, 1m30s or 500ms`);
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (s.length === 0) throw new UsageError(`invalid ${what} "${text}": expected a duration such as 30s`);
  return Math.round(total);
}

/** Docker's rule for a set duration: at least 1 ms (0 is "unset"). */
function checkMin(what: string, ns: number | undefined): void {
  if (ns === undefined || ns === 0) return;
  if (ns < 0) throw new UsageError(`${what} cannot be negative`);
  if (ns < NS_PER_MS) throw new UsageError(`${what} cannot be less than 1ms`);
}

/** Checks a config as Docker's daemon does; `Test` must start with NONE, CMD or CMD-SHELL. */
export function checkHealthConfig(h: HealthConfig, where = 'healthcheck'): HealthConfig {
  const kind = h.Test[0];
  if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind))
    throw new UsageError(`${where}: test "${kind}" is not NONE, CMD or CMD-SHELL`);
  if ((kind === 'CMD' || kind === 'CMD-SHELL') && h.Test.length < 2)
    throw new UsageError(`${where}: test ${kind} needs a command`);
  checkMin(`${where} interval`, h.Interval);
  checkMin(`${where} timeout`, h.Timeout);
  checkMin(`${where} start period`, h.StartPeriod);
  checkMin(`${where} start interval`, h.StartInterval);
  if (h.Retries !== undefined && (!Number.isInteger(h.Retries) || h.Retries < 0))
    throw new UsageError(`${where}: retries "${h.Retries}" must be a whole number, 0 or more`);
  return h;
}

/** The `--health-*` flags as commander gives them. */
export interface HealthFlags {
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthcheck?: boolean;
}

/** The config the flags ask for, as the docker CLI builds it; undefined when none is given. */
export function healthFromFlags(f: HealthFlags): HealthConfig | undefined {
  const timed = [f.healthInterval, f.healthTimeout, f.healthRetries, f.healthStartPeriod, f.healthStartInterval];
  const any = f.healthCmd !== undefined || timed.some((x) => x !== undefined);
  if (f.healthcheck === false) {
    if (any) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  const h: HealthConfig = { Test: f.healthCmd !== undefined ? ['CMD-SHELL', f.healthCmd] : [] };
  const d = (flag: string, v: string | undefined): number | undefined =>
    v === undefined ? undefined : parseDuration(flag, v);
  const set = (k: keyof Omit<HealthConfig, 'Test'>, v: number | undefined): void => {
    if (v !== undefined) h[k] = v;
  };
  set('Interval', d('--health-interval', f.healthInterval));
  set('Timeout', d('--health-timeout', f.healthTimeout));
  set('StartPeriod', d('--health-start-period', f.healthStartPeriod));
  set('StartInterval', d('--health-start-interval', f.healthStartInterval));
  if (f.healthRetries !== undefined) {
    if (!/^-?\d+$/.test(f.healthRetries))
      throw new UsageError(`invalid --health-retries "${f.healthRetries}": expected a whole number`);
    if (Number(f.healthRetries) < 0) throw new UsageError('--health-retries cannot be negative');
    h.Retries = Number(f.healthRetries);
  }
  return checkHealthConfig(h, '--health');
}

/**
 * The container's config: the user's over the image's, field by field where the user's is
 * unset, as Docker's daemon merges them (daemon/commit.go merge()).
 */
export function mergeHealth(image: HealthConfig | undefined, user: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image;
  if (!image) return user.Test.length > 0 ? user : undefined;
  const out: HealthConfig = { ...user, Test: user.Test.length > 0 ? user.Test : image.Test };
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!out[k] && image[k]) out[k] = image[k];
  }
  return out;
}

/** Docker's defaults: 30 s interval and timeout, no start period, 5 s start interval, 3 retries. */
export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  startIntervalMs: 5000,
  retries: 3,
};

/** What runs and when, or undefined when there is no check (none, NONE, or an empty test). */
export function healthPlan(h: HealthConfig | undefined): HealthPlan | undefined {
  if (!h || h.Test.length === 0 || h.Test[0] === 'NONE') return undefined;
  const ms = (ns: number | undefined, dflt: number): number => (ns ? ns / NS_PER_MS : dflt);
  const D = HEALTH_DEFAULTS;
  return {
    argv: h.Test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.Test[1]!] : h.Test.slice(1),
    intervalMs: ms(h.Interval, D.intervalMs),
    timeoutMs: ms(h.Timeout, D.timeoutMs),
    startPeriodMs: ms(h.StartPeriod, D.startPeriodMs),
    startIntervalMs: ms(h.StartInterval, D.startIntervalMs),
    retries: h.Retries && h.Retries > 0 ? h.Retries : D.retries,
  };
}
