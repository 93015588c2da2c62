import { checkHealthConfig, type HealthConfig, parseDuration } from '../model/health.js';
import { asList, asMapping, checkKeys } from './parse.js';
import { asBool, asString } from './model-network.js';
import { HEALTHCHECK } from './schema.js';
import type { DependsCondition, KeyPath, Mapping, Value } from './types.js';
import type { Where } from './where.js';

interface Ctx {
  w: Where;
  warnings: string[];
}

const at = <T>(c: Ctx, path: KeyPath, fn: () => T): T => c.w.at(path, fn);

function test(c: Ctx, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v === '' ? [] : ['CMD-SHELL', v];
  const t = asList(c.w, path, v).map(String);
  if (t.length > 0 && !['NONE', 'CMD', 'CMD-SHELL'].includes(t[0]!))
    throw c.w.error(path, `test "${t[0]}": a list starts with NONE, CMD or CMD-SHELL`);
  return t;
}

function duration(c: Ctx, path: KeyPath, v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'number' ? `${v}s` : asString(c.w, path, v)!;
  return at(c, path, () => parseDuration(String(path[path.length - 1]), /^\d+$/.test(s) ? `${s}s` : s));
}

/** The service's `healthcheck`, or undefined when it has none (`disable: true` is `["NONE"]`). */
export function serviceHealth(c: Ctx, path: KeyPath, s: Mapping): HealthConfig | undefined {
  if (s.healthcheck === undefined || s.healthcheck === null) return undefined;
  const p = [...path, 'healthcheck'];
  const h = asMapping(c.w, p, s.healthcheck);
  checkKeys(c.w, p, h, HEALTHCHECK, c.warnings);
  if (asBool(c.w, [...p, 'disable'], h.disable)) return { Test: ['NONE'] };
  const out: HealthConfig = { Test: test(c, [...p, 'test'], h.test) };
  const set = (k: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval', key: string): void => {
    const d = duration(c, [...p, key], h[key]);
    if (d !== undefined) out[k] = d;
  };
  set('Interval', 'interval');
  set('Timeout', 'timeout');
  set('StartPeriod', 'start_period');
  set('StartInterval', 'start_interval');
  if (h.retries !== undefined && h.retries !== null) {
    const r = Number(h.retries);
    if (!Number.isInteger(r) || r < 0) throw c.w.error([...p, 'retries'], `retries "${h.retries}": expected 0 or more`);
    out.Retries = r;
  }
  return at(c, p, () => checkHealthConfig(out));
}

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'] as const;

/** The `depends_on` entries with their conditions, in file order (names checked by the caller). */
export function dependsConditions(c: Ctx, path: KeyPath, s: Mapping): DependsCondition[] {
  const out: DependsCondition[] = [];
  for (const [service, x] of Object.entries(asMapping(c.w, [...path, 'depends_on'], s.depends_on ?? null))) {
    const p = [...path, 'depends_on', service];
    const m = asMapping(c.w, p, x ?? {});
    const cond = asString(c.w, [...p, 'condition'], m.condition) ?? 'service_started';
    if (!(CONDITIONS as readonly string[]).includes(cond))
      throw c.w.error([...p, 'condition'], `condition "${cond}" is not one of ${CONDITIONS.join(', ')}`);
    out.push({
      service,
      condition: cond as DependsCondition['condition'],
      required: asBool(c.w, [...p, 'required'], m.required, true),
      restart: asBool(c.w, [...p, 'restart'], m.restart),
    });
  }
  return out;
}
