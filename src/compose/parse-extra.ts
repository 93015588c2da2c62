/**
 * Issue 25's part of checking one file: the long forms of a service's `secrets`, `configs`
 * and `extends`, and the top-level `secrets` and `configs`. Pure.
 */
import { asMapping, checkKeys } from './parse.js';
import { EXTENDS, SECRET_REF, TOP_SECRET } from './schema.js';
import type { KeyPath, Mapping } from './types.js';
import type { Where } from './where.js';

/** Checks a service's issue-25 keys; `extends: NAME` becomes `{service: NAME}`. */
export function extraItems(w: Where, path: KeyPath, s: Mapping, warnings: string[]): void {
  for (const k of ['secrets', 'configs']) {
    const v = s[k];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) throw w.error([...path, k], 'must be a list');
    v.forEach((x, i) => {
      if (x !== null && typeof x === 'object' && !Array.isArray(x))
        checkKeys(w, [...path, k, i], x, SECRET_REF, warnings);
    });
  }
  if (typeof s.extends === 'string') s.extends = { service: s.extends };
  else if (s.extends !== undefined)
    checkKeys(w, [...path, 'extends'], asMapping(w, [...path, 'extends'], s.extends), EXTENDS, warnings);
}

/** The top-level `secrets` and `configs`, checked. */
export function extraTop(w: Where, top: Mapping, warnings: string[]): Mapping {
  const out: Mapping = {};
  for (const k of ['secrets', 'configs']) {
    const m = asMapping(w, [k], top[k] ?? null);
    for (const [name, x] of Object.entries(m))
      checkKeys(w, [k, name], asMapping(w, [k, name], x), TOP_SECRET, warnings);
    out[k] = m;
  }
  return out;
}
