/**
 * Issue 25's service keys: `build` (model-build.ts), `profiles`,
 * `platform` (the host's only), `logging` (the drivers netctl's own log stands for),
 * `deploy.replicas` / `scale` / `up --scale`, `deploy.restart_policy`, `stdin_open`, `tty`,
 * and `secrets` / `configs` (model-secrets.ts). Pure.
 */
import type { ComposeBuild, ComposeService, KeyPath, Mapping, Value } from './types.js';
import { composeBuild } from './model-build.js';
import { asList, asMapping, checkKeys } from './parse.js';
import { LOGGING, RESTART_POLICY } from './schema.js';
import { serviceFiles, type TopFile } from './model-secrets.js';
import type { Where } from './where.js';

/** The part of a service issue 25 adds. */
export type ServiceExtra = Pick<ComposeService, 'files' | 'replicas' | 'tty' | 'stdinOpen' | 'logging'> &
  Partial<Pick<ComposeService, 'restart' | 'restartMax'>>;

/** What the extra keys need besides the service. */
export interface ExtraContext {
  w: Where;
  project: string;
  /** `os/arch` of this host, as an image index names it: `linux/amd64`. */
  platform: string;
  secrets: ReadonlyMap<string, TopFile>;
  configs: ReadonlyMap<string, TopFile>;
  /** `up --scale SERVICE=N`. */
  scale: Readonly<Record<string, number>>;
  /** Take a service with `build:` as built, its section unread (the corpus test's second count). */
  assumeBuilt: boolean;
  /** The project directory build contexts are relative to. */
  workingDir: string;
  /** What settleBuild read: each service's build. */
  builds: Map<string, ComposeBuild>;
  warnings: string[];
}

/** `linux/amd64` from Node's `process.arch`. */
export function platformOf(arch: string): string {
  const a: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le' };
  return `linux/${a[arch] ?? arch}`;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', i386: '386', armhf: 'arm' };

function checkPlatform(c: ExtraContext, path: KeyPath, v: Value | undefined): void {
  if (v === undefined || v === null) return;
  const [os = '', arch = ''] = String(v).toLowerCase().split('/');
  const [hostOs, hostArch] = c.platform.split('/');
  // A variant (arm/v7) is the image's business; the os and architecture must be the host's.
  if (os !== hostOs || (ARCH_ALIASES[arch] ?? arch) !== hostArch)
    throw c.w.error(path, `platform "${String(v)}" is not this host's (${c.platform}): netctl runs no emulation`);
}

/**
 * `build.platforms`: netctl builds for this host only (no emulator), so the list may name only
 * the host's platform, in any spelling; a foreign one is refused as `build --platform` refuses it.
 */
function buildPlatforms(c: ExtraContext, name: string, build: Value | undefined): void {
  if (build === null || typeof build !== 'object' || Array.isArray(build)) return;
  const path = ['services', name, 'build', 'platforms'];
  const list = (build as Mapping).platforms;
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw c.w.error(path, 'must be a list');
  list.forEach((p, i) => checkPlatform(c, [...path, i], p));
}

/**
 * The service mapping with its image settled: `build:` is read (model-build.ts) into `builds`,
 * and a service with `build:` alone runs the image it makes, `PROJECT-SERVICE` as compose v2
 * names it; beside `image:` the build makes that image.
 */
export function settleBuild(c: ExtraContext, name: string, raw: Value): Value {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const s = raw as Mapping;
  if (s.build === undefined) return raw;
  const { build, ...rest } = s;
  if (!c.assumeBuilt) {
    c.builds.set(name, composeBuild({ w: c.w, workingDir: c.workingDir, warnings: c.warnings }, name, build ?? null));
    buildPlatforms(c, name, build);
  }
  return typeof s.image === 'string' ? rest : { ...rest, image: `${c.project}-${name}` };
}

function count(c: ExtraContext, path: KeyPath, v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1000)
    throw c.w.error(path, `"${String(v)}": expected a count from 0 to 1000`);
  return n;
}

function replicas(c: ExtraContext, name: string, s: Mapping): number | undefined {
  const path = ['services', name];
  const deploy = s.deploy !== null && typeof s.deploy === 'object' && !Array.isArray(s.deploy) ? s.deploy : {};
  const mode = deploy.mode ?? 'replicated';
  if (mode !== 'replicated')
    throw c.w.error(
      [...path, 'deploy', 'mode'],
      `deploy mode "${String(mode)}" is a swarm's: a single host runs "replicated"`,
    );
  const n =
    c.scale[name] ??
    count(c, [...path, 'scale'], s.scale) ??
    count(c, [...path, 'deploy', 'replicas'], deploy.replicas);
  if (n !== undefined && n !== 1 && s.container_name !== undefined)
    throw c.w.error([...path, 'container_name'], `a container_name names one container: service "${name}" has ${n}`);
  return n;
}

function restartPolicy(c: ExtraContext, name: string, s: Mapping): Partial<ServiceExtra> {
  const path = ['services', name, 'deploy', 'restart_policy'];
  const deploy = asMapping(c.w, ['services', name, 'deploy'], s.deploy ?? null);
  if (deploy.restart_policy === undefined || deploy.restart_policy === null || s.restart !== undefined) return {};
  const r = asMapping(c.w, path, deploy.restart_policy);
  checkKeys(c.w, path, r, RESTART_POLICY, c.warnings);
  const cond = String(r.condition ?? 'any');
  const policies: Record<string, ComposeService['restart']> = { none: 'no', 'on-failure': 'on-failure', any: 'always' };
  const restart = policies[cond];
  if (!restart) throw c.w.error([...path, 'condition'], `condition "${cond}" is not one of none, on-failure, any`);
  const max = count(c, [...path, 'max_attempts'], r.max_attempts);
  return { restart, ...(max !== undefined && restart === 'on-failure' ? { restartMax: max } : {}) };
}

/** The drivers whose logs netctl's own per-container log stands for (what `logs` reads). */
export const LOG_DRIVERS = ['json-file', 'local'] as const;

function logging(c: ExtraContext, path: KeyPath, v: Value | undefined): ServiceExtra['logging'] {
  if (v === undefined || v === null) return undefined;
  const m = asMapping(c.w, path, v);
  checkKeys(c.w, path, m, LOGGING, c.warnings);
  const driver = String(m.driver ?? 'json-file');
  if (!(LOG_DRIVERS as readonly string[]).includes(driver))
    throw c.w.error(
      [...path, 'driver'],
      `logging driver "${driver}" is not supported: netctl keeps each container's output itself (${LOG_DRIVERS.join(', ')})`,
    );
  const options = Object.fromEntries(
    Object.entries(asMapping(c.w, [...path, 'options'], m.options ?? null)).map(([k, x]) => [k, String(x)]),
  );
  if (Object.keys(options).length > 0)
    c.warnings.push(c.w.warning([...path, 'options'], 'netctl keeps the whole log: its options are ignored'));
  return { driver, options };
}

function flag(c: ExtraContext, path: KeyPath, v: Value | undefined): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw c.w.error(path, 'must be true or false');
  return v;
}

/** Issue 25's part of service `name`. */
export function serviceExtra(c: ExtraContext, name: string, raw: Value): ServiceExtra {
  const path = ['services', name];
  const s = asMapping(c.w, path, raw);
  checkPlatform(c, [...path, 'platform'], s.platform);
  const out: ServiceExtra = restartPolicy(c, name, s);
  const files = [
    ...serviceFiles(c.w, path, 'secret', s, c.secrets),
    ...serviceFiles(c.w, path, 'config', s, c.configs),
  ];
  if (files.length > 0) out.files = files;
  const n = replicas(c, name, s);
  if (n !== undefined && n !== 1) out.replicas = n;
  const tty = flag(c, [...path, 'tty'], s.tty);
  if (tty !== undefined) out.tty = tty;
  const stdin = flag(c, [...path, 'stdin_open'], s.stdin_open);
  if (stdin !== undefined) out.stdinOpen = stdin;
  const log = logging(c, [...path, 'logging'], s.logging);
  if (log) out.logging = log;
  return out;
}

/**
 * The services the active profiles enable: those without `profiles`, and those with one of
 * `active` (`*`: all). Compose's rule; COMPOSE_PROFILES and `--profile` give `active`.
 */
export function enabledServices(w: Where, services: Mapping, active: readonly string[]): Mapping {
  const out: Mapping = {};
  for (const [name, raw] of Object.entries(services)) {
    const s = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
    const profiles = asList(w, ['services', name, 'profiles'], s.profiles ?? null).map(String);
    if (profiles.length === 0 || active.includes('*') || profiles.some((p) => active.includes(p))) out[name] = raw;
  }
  return out;
}
