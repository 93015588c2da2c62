import { describe, expect, it } from 'vitest';
import {
  checkHealthConfig,
  healthFromFlags,
  healthPlan,
  mergeHealth,
  parseDuration,
} from '../../../src/model/health.js';
import {
  applyResult,
  type HealthResult,
  type HealthState,
  healthSuffix,
  nextDelayMs,
  startedHealth,
  truncateOutput,
  viewHealth,
} from '../../../src/model/health-state.js';
import { formatDuration } from '../../../src/compose/render-health.js';
import { conditionVerdict, readyVerdict } from '../../../src/compose/wait.js';

const S = 1e9;

describe('durations', () => {
  it('reads Go durations in nanoseconds', () => {
    expect(parseDuration('x', '30s')).toBe(30 * S);
    expect(parseDuration('x', '1m30s')).toBe(90 * S);
    expect(parseDuration('x', '1.5h')).toBe(5400 * S);
    expect(parseDuration('x', '500ms')).toBe(0.5 * S);
    expect(parseDuration('x', '10us')).toBe(10_000);
    expect(parseDuration('x', '0')).toBe(0);
  });
  it('refuses what Go refuses, naming the value', () => {
    expect(() => parseDuration('--health-interval', '10')).toThrow('invalid --health-interval "10"');
    expect(() => parseDuration('x', '1d')).toThrow('"1d"');
    expect(() => parseDuration('x', '')).toThrow();
    expect(() => parseDuration('x', '-1s')).toThrow();
  });
  it('prints them back as Go does', () => {
    expect(formatDuration(90 * S)).toBe('1m30s');
    expect(formatDuration(0.5 * S)).toBe('500ms');
    expect(formatDuration(3600 * S)).toBe('1h0m0s');
    expect(formatDuration(5 * S)).toBe('5s');
  });
});

describe('health configs', () => {
  it('builds a CMD-SHELL check from the flags, and NONE from --no-healthcheck', () => {
    expect(healthFromFlags({ healthCmd: 'true', healthInterval: '1s', healthRetries: '2' })).toEqual({
      Test: ['CMD-SHELL', 'true'],
      Interval: S,
      Retries: 2,
    });
    expect(healthFromFlags({ healthcheck: false })).toEqual({ Test: ['NONE'] });
    expect(healthFromFlags({})).toBeUndefined();
    expect(() => healthFromFlags({ healthcheck: false, healthCmd: 'x' })).toThrow('--no-healthcheck conflicts');
    expect(() => healthFromFlags({ healthRetries: '-1' })).toThrow('--health-retries cannot be negative');
    expect(() => healthFromFlags({ healthTimeout: '10ns' })).toThrow('cannot be less than 1ms');
  });
  it("merges the user's over the image's field by field, as Docker's daemon does", () => {
    const image = { Test: ['CMD', 'check'], Interval: 10 * S, Retries: 5 };
    expect(mergeHealth(image, { Test: [], Interval: 2 * S })).toEqual({
      Test: ['CMD', 'check'],
      Interval: 2 * S,
      Retries: 5,
    });
    expect(mergeHealth(image, { Test: ['NONE'] })).toMatchObject({ Test: ['NONE'] });
    expect(mergeHealth(undefined, { Test: [], Interval: S })).toBeUndefined();
    expect(mergeHealth(image, undefined)).toBe(image);
  });
  it('fills in the defaults, and has no plan for NONE', () => {
    expect(healthPlan({ Test: ['CMD-SHELL', 'curl -f x'] })).toEqual({
      argv: ['/bin/sh', '-c', 'curl -f x'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      startPeriodMs: 0,
      startIntervalMs: 5000,
      retries: 3,
    });
    expect(healthPlan({ Test: ['CMD', 'a', 'b'], Retries: 0 })?.argv).toEqual(['a', 'b']);
    expect(healthPlan({ Test: ['NONE'] })).toBeUndefined();
    expect(() => checkHealthConfig({ Test: ['SHELL', 'x'] })).toThrow('test "SHELL" is not NONE, CMD or CMD-SHELL');
  });
});

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number, code: number): HealthResult => ({
  Start: new Date(T0 + s * 1000).toISOString(),
  End: new Date(T0 + s * 1000 + 10).toISOString(),
  ExitCode: code,
  Output: `${code}`,
});
const plan = { retries: 3, startPeriodMs: 10_000 };

describe('the status state machine', () => {
  it('turns healthy on a success and unhealthy after `retries` failures in a row', () => {
    let s: HealthState = startedHealth();
    s = applyResult(s, at(11, 0), plan, T0);
    expect(s).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
    s = applyResult(s, at(12, 1), plan, T0);
    s = applyResult(s, at(13, 1), plan, T0);
    expect(s).toMatchObject({ Status: 'healthy', FailingStreak: 2 });
    s = applyResult(s, at(14, 1), plan, T0);
    expect(s).toMatchObject({ Status: 'unhealthy', FailingStreak: 3 });
    s = applyResult(s, at(15, 0), plan, T0);
    expect(s).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
  });
  it('does not count failures while starting inside the start period', () => {
    let s = startedHealth();
    for (const t of [1, 2, 3, 4, 5]) s = applyResult(s, at(t, 1), plan, T0);
    expect(s).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    for (const t of [11, 12, 13]) s = applyResult(s, at(t, 1), plan, T0);
    expect(s).toMatchObject({ Status: 'unhealthy', FailingStreak: 3 });
  });
  it('keeps the last five results, and restarts at starting with the log kept', () => {
    let s = startedHealth();
    for (let t = 20; t < 28; t++) s = applyResult(s, at(t, 0), plan, T0);
    expect(s.Log.map((r) => r.Start)).toEqual([23, 24, 25, 26, 27].map((t) => at(t, 0).Start));
    expect(startedHealth(s)).toEqual({ Status: 'starting', FailingStreak: 0, Log: s.Log });
  });
  it('probes at the start interval while starting in the start period, else at the interval', () => {
    const p = { argv: [], intervalMs: 30_000, timeoutMs: 1, startPeriodMs: 10_000, startIntervalMs: 1000, retries: 3 };
    expect(nextDelayMs(startedHealth(), p, T0, T0 + 5000)).toBe(1000);
    expect(nextDelayMs(startedHealth(), p, T0, T0 + 10_000)).toBe(30_000);
    expect(nextDelayMs({ ...startedHealth(), Status: 'healthy' }, p, T0, T0 + 1)).toBe(30_000);
  });
  it("cuts output at 4096 bytes with '...', as Docker does", () => {
    expect(truncateOutput(Buffer.from('ok\n'))).toBe('ok\n');
    const long = truncateOutput(Buffer.alloc(5000, 'a'));
    expect(long).toHaveLength(4099);
    expect(long.endsWith('a...')).toBe(true);
  });
  it("reads as ps and inspect show it: a stopped container's health is unhealthy", () => {
    const healthy: HealthState = { Status: 'healthy', FailingStreak: 0, Log: [] };
    expect(viewHealth(healthy, true, true).Status).toBe('healthy');
    expect(viewHealth(healthy, false, true).Status).toBe('starting');
    expect(viewHealth(healthy, true, false).Status).toBe('unhealthy');
    expect(healthSuffix('starting')).toBe(' (health: starting)');
    expect(healthSuffix('healthy')).toBe(' (healthy)');
    expect(healthSuffix(undefined)).toBe('');
  });
});

describe('compose waits', () => {
  const c = (x: object) => ({ container: 'p-db-1', status: 'running', ...x });
  it('service_healthy waits while starting, fails unhealthy, exited or without a check', () => {
    expect(conditionVerdict('service_healthy', c({ health: 'starting' }))).toEqual({ wait: true });
    expect(conditionVerdict('service_healthy', c({ health: 'healthy' }))).toEqual({ ok: true });
    expect(conditionVerdict('service_healthy', c({ health: 'unhealthy' }))).toEqual({
      fail: 'container p-db-1 is unhealthy',
    });
    expect(conditionVerdict('service_healthy', c({}))).toEqual({
      fail: 'container p-db-1 has no healthcheck configured',
    });
    expect(conditionVerdict('service_healthy', c({ status: 'exited', exitCode: 2, health: 'starting' }))).toEqual({
      fail: 'container p-db-1 exited (2)',
    });
  });
  it('service_completed_successfully waits for the exit and wants 0', () => {
    expect(conditionVerdict('service_completed_successfully', c({}))).toEqual({ wait: true });
    expect(conditionVerdict('service_completed_successfully', c({ status: 'exited', exitCode: 0 }))).toEqual({
      ok: true,
    });
    expect(conditionVerdict('service_completed_successfully', c({ status: 'exited', exitCode: 3 }))).toEqual({
      fail: "container p-db-1 didn't complete successfully: exit 3",
    });
  });
  it('--wait wants running, healthy when checked', () => {
    expect(readyVerdict(c({}), false)).toEqual({ ok: true });
    expect(readyVerdict(c({ health: 'starting' }), false)).toEqual({ wait: true });
    expect(readyVerdict(c({ health: 'unhealthy' }), false)).toEqual({ fail: 'container p-db-1 is unhealthy' });
    expect(readyVerdict(c({ status: 'exited', exitCode: 0 }), true)).toEqual({ ok: true });
    expect(readyVerdict(c({ status: 'exited', exitCode: 0 }), false)).toEqual({ fail: 'container p-db-1 exited (0)' });
  });
});
