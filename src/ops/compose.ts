/**
 * The compose verbs as use cases: `up` and `down` (the actions compose/plan.ts derives from
 * the files against what netctl has, applied one engine call each, or with `dryRun` played
 * in a rolled-back transaction into one ChangePlan), the project's containers in start
 * order, `ps`'s rows, and stop/start of a project's containers. The CLI's compose commands
 * parse, call these and print; they never reach the engine themselves.
 */
import { rm } from 'node:fs/promises';
import { labelsOf, observe, projectContainers } from '../compose/observe.js';
import { SERVICE } from '../compose/labels.js';
import { type Action, planDown, planUp } from '../compose/plan.js';
import { checkServices, prepare, type Prepared } from '../compose/prepare.js';
import type { ComposeProject } from '../compose/types.js';
import { removeHookContainers } from './compose-prestart.js';
import { hooksOf, runHooks } from './compose-hooks.js';
import type { Engine } from '../engine/context.js';
import { stopProcess } from '../engine/containers.js';
import { planStart } from '../engine/lifecycle.js';
import { ErrorList, UsageError } from '../errors.js';
import type { Container } from '../model/container.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { applyActions } from './compose-apply.js';
import { ensureHealthRunner, healthStatusOf } from './health.js';
import { healthSuffix } from '../model/health-state.js';
import { dryRunActions } from './compose-dry-run.js';
import type { Host } from './host.js';
import { planStopContainer, type StartResult, type StopPlan, stopGraceMs } from './container.js';
import { applyNow, type ChangePlan, joinPlans, repairInterrupted, transactPreview } from './tx.js';
import { withFileLock } from '../sys/file-lock.js';
import { type ComposeBuildOptions, ensureServiceImages } from './compose-build.js';
import { pullImage, type PulledImage, type PullOptions } from './pull.js';

export type { Action } from '../compose/plan.js';
export type { ComposeProject } from '../compose/types.js';
export { restartDependents } from '../compose/restart-deps.js';
export type { Container } from '../model/container.js';

/** What `up` or `down` did, or with `dryRun` would do (`plan` then, nothing applied). */
export interface ComposeChange {
  actions: Action[];
  plan?: ChangePlan;
  applied: boolean;
}

/** How `up` and `down` run: `done` gets a line per action applied, as it is. */
export interface ComposeRunOptions {
  dryRun?: boolean;
  /** How images are pulled (progress, registry options). */
  pull?: PullOptions;
  done?: (line: string) => void;
  /** How long `up` waits for each depends_on condition (default WAIT_TIMEOUT_MS). */
  waitTimeoutMs?: number;
  /** `up --build`: build every service with `build:` first (else only missing images). */
  build?: boolean;
  /** How those builds report (compose-build.ts). */
  buildOptions?: ComposeBuildOptions;
}

/** What `up` asks for. */
export interface UpRequest {
  project: ComposeProject;
  /** Only these services (and what they depend on); empty: all. */
  services: readonly string[];
  removeOrphans: boolean;
  /** `--force-recreate` and `--no-deps` (compose/plan.ts UpOptions). */
  forceRecreate?: boolean;
  noDeps?: boolean;
  /** The host's ephemeral port range, where unnamed host ports are taken from. */
  ephemeral: readonly [number, number];
}

type Planner = (engine: Engine) => Promise<{ actions: Action[]; prepared?: Prepared }>;

async function change(
  host: Host,
  project: string,
  planner: Planner,
  opts: ComposeRunOptions,
  hooks: { project?: ComposeProject; ephemeral?: readonly [number, number] } = {},
): Promise<ComposeChange> {
  if (opts.dryRun) {
    const out = await transactPreview(host, { dryRun: true }, async (engine) => {
      const got = await planner(engine);
      return { plan: await dryRunActions(engine, got.actions, got.prepared), steps: [], result: got.actions };
    });
    return { actions: out.result, plan: out.plan, applied: false };
  }
  // One up or down of a project at a time: a second one plans from what the first made.
  return withFileLock(`${host.paths.runRoot}/locks/compose-${project}.lock`, async () => {
    // Planned from the records, so from the records as a killed command's repair leaves them.
    await repairInterrupted(host);
    const engine = await host.engine();
    const { actions, prepared } = await planner(engine);
    await applyActions(host, actions, prepared, opts.done ?? (() => undefined), {
      timeoutMs: opts.waitTimeoutMs,
      ...hooks,
    });
    return { actions, applied: true };
  });
}

/** `up`: what differs from what runs is brought in line, in dependency order. */
export async function composeUp(host: Host, req: UpRequest, opts: ComposeRunOptions = {}): Promise<ComposeChange> {
  const p = req.project;
  checkServices(p, req.services);
  // Issue 24: images are pulled as each service's pull_policy says, issue 26: built when the
  // service has `build:` (a dry run pulls and builds nothing).
  if (!opts.dryRun)
    await ensureServiceImages(host, p, {
      ...(opts.build ? { build: true } : {}),
      ...(opts.pull ? { pull: opts.pull } : {}),
      ...(opts.buildOptions ? { buildOptions: opts.buildOptions } : {}),
    });
  return change(
    host,
    p.name,
    async (engine) => {
      const prepared = await prepare(engine, p, req.ephemeral);
      const actions = planUp(prepared.desired, await observe(engine, p.name), {
        services: req.services,
        removeOrphans: req.removeOrphans,
        ...(req.forceRecreate ? { forceRecreate: true } : {}),
        ...(req.noDeps ? { noDeps: true } : {}),
      });
      return { actions, prepared };
    },
    opts,
    { project: p, ephemeral: req.ephemeral },
  );
}

/**
 * `down`: every container of project `name` (last started first), then its networks; with
 * `volumes` its named volumes and the containers' anonymous ones too.
 */
export async function composeDown(
  host: Host,
  name: string,
  opts: ComposeRunOptions & { volumes?: boolean; project?: ComposeProject } = {},
): Promise<ComposeChange> {
  const volumes = opts.volumes === true;
  // Issue 25: failed pre_start steps kept for inspection go first (they hold the networks).
  if (!opts.dryRun) await removeHookContainers(host, name);
  const out = await change(
    host,
    name,
    async (engine) => ({ actions: planDown(await observe(engine, name), { volumes }) }),
    opts,
    // Issue 25: the project's pre_stop hooks run before its containers go.
    opts.project ? { project: opts.project } : {},
  );
  // Issue 25: the secret and config copies the project's containers bound.
  if (out.applied) await rm(`${host.paths.runRoot}/compose/${name}`, { recursive: true, force: true });
  return out;
}

/** The project's containers of the named services (all without names), in start order. */
export async function serviceContainers(
  host: Host,
  name: string,
  project: ComposeProject | undefined,
  services: readonly string[],
): Promise<Container[]> {
  for (const s of services) {
    if (project && !project.services.some((x) => x.name === s)) throw new UsageError(`no such service: "${s}"`);
  }
  const all = projectContainers(await host.engine(), name);
  const order = project?.services.map((s) => s.name) ?? [];
  const rank = (c: Container): number => {
    const i = order.indexOf(labelsOf(c)[SERVICE] ?? '');
    return i < 0 ? order.length : i;
  };
  return all
    .filter((c) => services.length === 0 || services.includes(labelsOf(c)[SERVICE] ?? ''))
    .sort((a, b) => rank(a) - rank(b));
}

/** One row of `compose ps`. */
export interface ComposePsRow {
  name: string;
  service: string;
  image: string;
  status: string;
  /** `network=address`. */
  networks: string[];
  /** `hostIp:hostPort->containerPort/proto`. */
  ports: string[];
}

/** `ps`: the containers' rows (running ones only, unless `all`). */
export async function composePs(host: Host, containers: readonly Container[], all: boolean): Promise<ComposePsRow[]> {
  const s = (await host.engine()).store;
  const nets = new Map(s.networks.list().map((n) => [n.id, n.name]));
  const rows: ComposePsRow[] = [];
  for (const c of containers) {
    const st = await readState(containerPaths(host.paths, c.id).state);
    const status = st ? liveStatus(st) : c.state;
    if (!all && status !== 'running' && status !== 'restarting') continue;
    const ports = s.ports
      .list(c.id)
      .map(
        (p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.proto}`,
      );
    const networks = s.endpoints
      .forContainer(c.id)
      .map((e) => `${nets.get(e.networkId) ?? e.networkId}=${e.address ?? ''}`);
    rows.push({
      name: c.name,
      service: labelsOf(c)[SERVICE] ?? '',
      image: c.image,
      status:
        status === 'exited'
          ? `exited (${st?.exitCode ?? '?'})`
          : `${status}${healthSuffix(healthStatusOf(host, c, st))}`,
      networks,
      ports,
    });
  }
  return rows;
}

/** Stops the containers in the order given (SIGTERM, SIGKILL after `graceMs`); all are tried, failures reported together. */
export async function stopContainers(
  host: Host,
  containers: readonly Container[],
  graceMs: number | undefined,
  done: (c: Container) => void,
  project?: ComposeProject,
  line: (text: string) => void = () => undefined,
): Promise<void> {
  const store = (await host.engine()).store;
  const errors = new ErrorList();
  for (const c of containers) {
    await errors.attempt('stop container', c.name, async () => {
      // Issue 25: pre_stop hooks, in a container that runs.
      const pre = hooksOf(project, c)?.preStop;
      if (pre && c.state === 'running') await runHooks(host, labelsOf(c)[SERVICE] ?? c.name, c, pre, line);
      await stopProcess(host.paths, c, stopGraceMs(c, graceMs));
      store.containers.update(c.id, { state: 'exited', pid: null, finishedAt: new Date().toISOString() });
      done(c);
    });
  }
  errors.throwIfAny();
}

/** Starts the containers in the order given; `done` says whether each was started or already ran. */
export async function startContainers(
  host: Host,
  containers: readonly Container[],
  done: (c: Container, started: boolean) => void,
  project?: ComposeProject,
  line: (text: string) => void = () => undefined,
): Promise<void> {
  const errors = new ErrorList();
  for (const c of containers) {
    await errors.attempt('start container', c.name, async () => {
      const r = await applyNow(host, (e) => planStart(e, c.id));
      await ensureHealthRunner(host, [c.id]);
      done(c, r.started);
      // Issue 25: post_start hooks, once it runs (not when it already ran).
      const post = hooksOf(project, c)?.postStart;
      if (post && r.started) await runHooks(host, labelsOf(c)[SERVICE] ?? c.name, c, post, line);
    });
  }
  errors.throwIfAny();
}

/** What `compose stop|start|restart --dry-run` would do: each stop, each start, and all as one plan. */
export interface LifecyclePlan {
  stops: StopPlan[];
  starts: StartResult[];
  plan: ChangePlan;
}

/**
 * Plans stopping `stop` (in that order) then starting `start` (in that order), changing
 * nothing: a start is planned as though its stop had run, the way a restart goes.
 */
export async function planLifecycle(
  host: Host,
  stop: readonly Container[],
  start: readonly Container[],
  graceMs: number | undefined,
): Promise<LifecyclePlan> {
  const stops: StopPlan[] = [];
  for (const c of stop) stops.push(await planStopContainer(host, c, graceMs));
  const stopped = new Set(stop.map((c) => c.id));
  const previews = [];
  for (const c of start) {
    const afterStop = stopped.has(c.id);
    previews.push(await transactPreview(host, { dryRun: true }, (e) => planStart(e, c.id, { afterStop })));
  }
  return {
    stops,
    starts: previews.map((p) => p.result),
    plan: joinPlans(...stops.map((s) => s.plan), ...previews.map((p) => p.plan)),
  };
}

/** `compose pull`: the image of every service (or of SERVICES), whatever is stored. */
export async function composePull(
  host: Host,
  project: ComposeProject,
  services: readonly string[],
  o: PullOptions = {},
): Promise<{ service: string; image: string; pulled: PulledImage }[]> {
  checkServices(project, services);
  const out: { service: string; image: string; pulled: PulledImage }[] = [];
  for (const svc of project.services) {
    if (services.length > 0 && !services.includes(svc.name)) continue;
    out.push({ service: svc.name, image: svc.image, pulled: await pullImage(host, svc.image, o) });
  }
  return out;
}
