/**
 * Image config changes of the metadata instructions and Docker's history strings, as the classic
 * builder writes them (moby daemon/builder/dockerfile/dispatchers.go, internals.go). Pure.
 */
import { posix } from 'node:path';
import { DockerfileError } from './errors.js';
import { goDuration, goQuoteList } from './go-format.js';
import { exposedPorts, checkStopSignal } from './ports.js';
import { DEFAULT_SHELL } from './resolve.js';
import type { HistoryEntry, OciConfig, Step } from './types.js';

/** Per-stage state applyStep carries besides the config. */
export interface ApplyState {
  /** A CMD with arguments was applied in this stage: a later ENTRYPOINT keeps it (Docker's cmdSet). */
  cmdSet: boolean;
}

/** The config a stage starts from: its base's, with the base's ONBUILD triggers consumed. */
export function beginStage(base: OciConfig): OciConfig {
  const out = structuredClone(base);
  delete out.OnBuild;
  return out;
}

const shellOf = (c: OciConfig): string[] => (c.Shell?.length ? c.Shell : DEFAULT_SHELL);

/** `/bin/sh -c #(nop)  COMMENT`, as the classic builder's withCmdComment. */
const nop = (c: OciConfig, comment: string): HistoryEntry => ({
  created_by: [...shellOf(c), '#(nop) ', comment].join(' '),
  empty_layer: true,
});

function setEnv(env: string[], key: string, value: string): string[] {
  const i = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
  const out = [...env];
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/**
 * Applies a resolved step to CONFIG: a new config, the history entry, and the state for the next
 * step. RUN/COPY/ADD leave the config as is (their history comes from historyEntry); WORKDIR
 * resolves a relative path against the previous one (the executor creates the directory).
 */
export function applyStep(
  config: OciConfig,
  step: Step,
  state: ApplyState = { cmdSet: false },
): { config: OciConfig; history: HistoryEntry; state: ApplyState } {
  const c = structuredClone(config);
  const history = historyEntry(config, step);
  let next = state;
  switch (step.kind) {
    case 'ENV':
      for (const [k, v] of step.pairs) c.Env = setEnv(c.Env ?? [], k, v);
      break;
    case 'LABEL':
      c.Labels = { ...c.Labels, ...Object.fromEntries(step.pairs) };
      break;
    case 'EXPOSE':
      c.ExposedPorts = { ...c.ExposedPorts };
      for (const p of exposedPorts(step.values, step.line)) c.ExposedPorts[p] = {};
      break;
    case 'USER':
      c.User = step.value;
      break;
    case 'WORKDIR':
      c.WorkingDir = workdir(c.WorkingDir ?? '', step.value, step.line);
      break;
    case 'VOLUME':
      c.Volumes = { ...c.Volumes };
      for (const v of step.values) c.Volumes[v] = {};
      break;
    case 'STOPSIGNAL':
      checkStopSignal(step.value, step.line);
      c.StopSignal = step.value;
      break;
    case 'CMD':
      c.Cmd = step.value;
      if (step.command.length) next = { cmdSet: true };
      break;
    case 'ENTRYPOINT':
      c.Entrypoint = step.command.length ? step.value : null;
      if (!state.cmdSet) c.Cmd = null;
      break;
    case 'SHELL':
      c.Shell = step.shell;
      break;
    case 'HEALTHCHECK':
      c.Healthcheck = healthcheckOf(step);
      break;
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), step.trigger];
      break;
    default:
      break;
  }
  return { config: c, history, state: next };
}

/** WORKDIR: relative to the previous one, cleaned, as Docker's normalizeWorkdir. */
export function workdir(current: string, requested: string, line: number): string {
  if (requested === '') throw new DockerfileError(line, 'WORKDIR cannot be empty');
  return posix.isAbsolute(requested) ? posix.normalize(requested) : posix.join('/', current, requested);
}

function healthcheckOf(step: Extract<Step, { kind: 'HEALTHCHECK' }>): NonNullable<OciConfig['Healthcheck']> {
  const h: NonNullable<OciConfig['Healthcheck']> = { Test: step.test };
  if (step.interval) h.Interval = step.interval;
  if (step.timeout) h.Timeout = step.timeout;
  if (step.startPeriod) h.StartPeriod = step.startPeriod;
  if (step.startInterval) h.StartInterval = step.startInterval;
  if (step.retries) h.Retries = step.retries;
  return h;
}

/** RUN's saved command: `|N K=V...` before the command when build args are in scope (classic builder). */
function runCreatedBy(config: OciConfig, step: Extract<Step, { kind: 'RUN' }>): string {
  const cmd = step.form === 'exec' ? step.command : [...step.shell, ...step.command];
  const args = Object.entries(step.args)
    .filter(([k]) => !(config.Env ?? []).some((e) => e.startsWith(`${k}=`)))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const heredocs = step.heredocs.map((h) => `<<${h.name}\n${h.content}${h.name}`);
  return [...(args.length ? [`|${args.length}`, ...args] : []), ...cmd, ...heredocs].join(' ');
}

/**
 * Docker's history entry for STEP applied on CONFIG (`/bin/sh -c #(nop)  ENV X=y`, empty_layer
 * for metadata). SOURCE is COPY/ADD's `file:<hex>`, `dir:<hex>` or `multi:<hex>` (see
 * copySourceLabel). WORKDIR comes as an empty layer: the executor clears `empty_layer` if it made one.
 */
export function historyEntry(config: OciConfig, step: Step, source = ''): HistoryEntry {
  switch (step.kind) {
    case 'RUN':
      return { created_by: runCreatedBy(config, step) };
    case 'COPY':
    case 'ADD': {
      const chown = step.chown ? `--chown=${step.chown} ` : '';
      const what = source || step.sources.join(' ');
      return { created_by: [...shellOf(config), `#(nop) ${step.kind} ${chown}${what} in ${step.dest} `].join(' ') };
    }
    case 'WORKDIR':
      return {
        created_by: [
          ...shellOf(config),
          `#(nop) WORKDIR ${workdir(config.WorkingDir ?? '', step.value, step.line)}`,
        ].join(' '),
        empty_layer: true,
      };
    case 'ENV':
    case 'LABEL':
      return nop(config, `${step.kind} ${step.pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    case 'ARG':
      return nop(
        config,
        `ARG ${step.args.map((a) => (a.default === undefined ? a.name : `${a.name}=${a.default}`)).join(' ')}`,
      );
    case 'EXPOSE':
      return nop(config, `EXPOSE ${step.values.join(' ')}`);
    case 'VOLUME':
      return nop(config, `VOLUME [${step.values.join(' ')}]`);
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      return nop(config, `${step.kind} ${step.value}`);
    case 'CMD':
    case 'ENTRYPOINT':
      return nop(config, `${step.kind} ${goQuoteList(step.form === 'exec' || step.command.length ? step.value : [])}`);
    case 'SHELL':
      return nop(config, `SHELL [${step.shell.join(' ')}]`);
    case 'ONBUILD':
      return nop(config, `ONBUILD ${step.trigger}`);
    case 'HEALTHCHECK': {
      const h = step;
      const d = goDuration;
      const times = `Interval:${d(h.interval)} Timeout:${d(h.timeout)} StartPeriod:${d(h.startPeriod)}`;
      const text = `&{Test:[${h.test.join(' ')}] ${times} StartInterval:${d(h.startInterval)} Retries:${h.retries}}`;
      return nop(config, `HEALTHCHECK ${text}`);
    }
  }
}
