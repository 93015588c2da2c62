/**
 * What netctl keeps about an image (`<root>/images/<id>/config.json`), and how it is read
 * from a Docker or OCI image config. Pure.
 */
import type { HealthConfig } from '../model/health.js';

/** The run defaults an image carries. */
export interface ImageConfig {
  cmd?: string[];
  entrypoint?: string[];
  /** `KEY=VALUE` entries. */
  env: string[];
  workingDir?: string;
  user?: string;
  /** `PORT/PROTO`, e.g. `80/tcp`. */
  exposedPorts: string[];
  labels: Record<string, string>;
  /** The image's VOLUMEs: container paths that get an anonymous volume unless mounted over. */
  volumes?: string[];
  /** The image's HEALTHCHECK (Docker's `Healthcheck`, durations in ns). */
  healthcheck?: HealthConfig;
  /** The signal `stop` sends first (`SIGQUIT`, `15`). */
  stopSignal?: string;
}

/** One stored image. */
export interface ImageRecord {
  /** 64 lowercase hex characters: the config digest for loaded images, random for imports. */
  id: string;
  /** ISO 8601 time netctl stored it. */
  created: string;
  source: 'import' | 'docker-save' | 'oci' | 'registry' | 'commit' | 'build';
  /** Diff ids of its layers in the layer store, bottom first; absent for a flattened `rootfs/`. */
  layers?: string[];
  /** `NAME@sha256:...` of the manifests it was pulled as. */
  repoDigests?: string[];
  architecture?: string;
  os?: string;
  config: ImageConfig;
  /** The image it was built or committed on (Docker's `Parent`), for a local build's history ids. */
  parent?: string;
}

/** Docker's default PATH, for images that do not set one. */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** An image config with nothing set but the default PATH. */
export function emptyImageConfig(): ImageConfig {
  return { env: [DEFAULT_PATH], exposedPorts: [], labels: {} };
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function exposed(v: unknown): string[] {
  return Object.keys(record(v))
    .map((p) => (p.includes('/') ? p : `${p}/tcp`))
    .filter((p) => /^\d{1,5}\/(tcp|udp|sctp)$/.test(p))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
}

function labels(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Docker's `Healthcheck` as stored in the image (Test, and durations as numbers of ns). */
function healthOf(v: unknown): HealthConfig | undefined {
  const h = record(v);
  const test = strings(h.Test);
  if (!test) return undefined;
  const out: HealthConfig = { Test: test };
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const)
    if (typeof h[k] === 'number' && (h[k] as number) > 0) out[k] = h[k] as number;
  return out;
}

/** Reads the run defaults from a Docker or OCI image config document (its `config` object). */
export function configFromOci(doc: unknown): { config: ImageConfig; architecture?: string; os?: string } {
  const top = record(doc);
  const c = record(top.config ?? top.Config ?? top.container_config);
  const env = strings(c.Env) ?? [];
  const config: ImageConfig = {
    cmd: strings(c.Cmd),
    entrypoint: strings(c.Entrypoint),
    env: env.some((e) => e.startsWith('PATH=')) ? env : [DEFAULT_PATH, ...env],
    workingDir: str(c.WorkingDir),
    user: str(c.User),
    exposedPorts: exposed(c.ExposedPorts),
    labels: labels(c.Labels),
    volumes: Object.keys(record(c.Volumes))
      .filter((p) => p.startsWith('/'))
      .sort(),
  };
  const stop = str(c.StopSignal);
  if (stop) config.stopSignal = stop;
  for (const k of ['cmd', 'entrypoint', 'workingDir', 'user'] as const) if (config[k] === undefined) delete config[k];
  if (config.volumes?.length === 0) delete config.volumes;
  const health = healthOf(c.Healthcheck);
  if (health) config.healthcheck = health;
  return { config, architecture: str(top.architecture), os: str(top.os) };
}
