/**
 * `ps --filter KEY=VALUE` as Docker reads it: filters of one key match when any of them
 * does, filters of different keys must all match. Keys: `id` (a prefix), `name` (a part,
 * or a /regex/-free substring as Docker's), `status`, `label` (KEY or KEY=VALUE),
 * `network` (name or id prefix), `ancestor` (image reference, with or without tag, or an
 * image id prefix). Pure.
 */
import { UsageError } from '../errors.js';

/** What a filter looks at in a container. */
export interface FilterSubject {
  id: string;
  name: string;
  image: string;
  imageId?: string;
  status: string;
  labels: Record<string, string>;
  networks: string[];
  networkIds?: string[];
}

const KEYS = ['id', 'name', 'status', 'label', 'network', 'ancestor'] as const;
type Key = (typeof KEYS)[number];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** Parsed filters: values by key. */
export type PsFilters = Partial<Record<Key, string[]>>;

/** Parses `--filter` values. @throws UsageError naming a bad one. */
export function parsePsFilters(specs: readonly string[]): PsFilters {
  const out: PsFilters = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = (eq < 0 ? spec : spec.slice(0, eq)) as Key;
    if (eq < 0 || !KEYS.includes(key))
      throw new UsageError(`invalid filter "${spec}": expected KEY=VALUE, KEY one of ${KEYS.join(', ')}`);
    const value = spec.slice(eq + 1);
    if (key === 'status' && !STATUSES.includes(value))
      throw new UsageError(`invalid filter "${spec}": status is one of ${STATUSES.join(', ')}`);
    (out[key] ??= []).push(value);
  }
  return out;
}

function imageMatches(s: FilterSubject, want: string): boolean {
  const bare = (r: string): string => r.replace(/:[^:/]+$/, '');
  const image = s.image.replace(/^docker\.io\/(library\/)?/, '');
  const w = want.replace(/^docker\.io\/(library\/)?/, '');
  if (image === w || (!/:[^:/]+$/.test(w) && bare(image) === w)) return true;
  if (w.includes(':') && !w.startsWith('sha256:') && !/:[^:/]+$/.test(image) && `${image}:latest` === w) return true;
  const id = s.imageId?.replace(/^sha256:/, '');
  return Boolean(id && w.replace(/^sha256:/, '').length >= 4 && id.startsWith(w.replace(/^sha256:/, '')));
}

const MATCH: Record<Key, (s: FilterSubject, v: string) => boolean> = {
  id: (s, v) => s.id.startsWith(v),
  name: (s, v) => s.name.includes(v.replace(/^\//, '')),
  status: (s, v) => s.status === v,
  label: (s, v) => {
    const eq = v.indexOf('=');
    return eq < 0 ? v in s.labels : s.labels[v.slice(0, eq)] === v.slice(eq + 1);
  },
  network: (s, v) => s.networks.includes(v) || (s.networkIds ?? []).some((id) => v.length >= 4 && id.startsWith(v)),
  ancestor: imageMatches,
};

/** Whether `s` passes every filter. */
export function matchesPsFilters(s: FilterSubject, f: PsFilters): boolean {
  return (Object.entries(f) as [Key, string[]][]).every(([k, vs]) =>
    k === 'label' ? vs.every((v) => MATCH.label(s, v)) : vs.some((v) => MATCH[k](s, v)),
  );
}

/** Whether the filters ask for containers `ps` without `-a` leaves out (a status other than running). */
export function wantsStopped(f: PsFilters): boolean {
  return (f.status ?? []).some((s) => s !== 'running' && s !== 'paused' && s !== 'restarting');
}
