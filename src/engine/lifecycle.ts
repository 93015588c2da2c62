/**
 * `start` and `restart`: a stopped container runs again with its recorded configuration,
 * writable layer and network. The network stays prepared while a container is stopped;
 * when its namespace is gone (a reboot empties /run), it is rebuilt from the database
 * with the same addresses before the process starts. Planned under the lock, applied (or
 * only shown, for `--dry-run`) by ops/container.ts.
 */
import { existsSync } from 'node:fs';
import { refuseCniRecord } from '../model/cni-record.js';
import { readFile } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Container, Endpoint } from '../model/container.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import { containerPaths, type RuntimeRoots } from '../runtime/paths.js';
import { prepareRootfs } from '../runtime/rootfs.js';
import { launchArgv, launchDetached } from '../runtime/launch.js';
import { liveStatus, readState } from '../runtime/state.js';
import { netnsPath, planAttach, planNetns } from './container-net.js';
import { firewallStep } from './firewall-step.js';
import { localnetStep } from './container-steps.js';
import { linkParentsStep, writeEtcFiles } from './etc-files.js';
import { dnsBeforeLaunch } from './dns-hook.js';
import { opsStep } from './kernel-steps.js';
import type { Step } from '../model/steps.js';
import { emptyPlan, type ChangePlan, type Planned } from './plan.js';
import { resolveJoin } from './run-network.js';
import { readyStepsOf } from './mounts.js';
import type { MountRecord } from '../model/volume.js';
import { describeOp, type NetlinkOp } from '../netlink/plan.js';
import type { Resources } from '../model/resources.js';
import { cgroupPart, withCgroup } from './container-cgroup.js';

/** What `run` recorded in a container's config. */
interface StoredConfig {
  imageId: string;
  network: string;
  launch: Omit<LaunchSpec, 'netns' | 'rootfs' | 'logPath' | 'statePath'>;
  netns?: string;
  mounts?: MountRecord[];
  resources?: Resources;
}

/** Whether the container's process (or its monitor, restarting it) is alive. */
export async function isActive(roots: RuntimeRoots, c: Container): Promise<boolean> {
  const st = await readState(containerPaths(roots, c.id).state);
  const status = st ? liveStatus(st) : 'dead';
  return status === 'running' || status === 'restarting' || status === 'starting';
}

/** The namespace and every endpoint again; the first endpoint with a way out gets the default route. */
function rebuildOps(engine: Engine, path: string, endpoints: readonly Endpoint[]): NetlinkOp[] {
  const nets = new Map(engine.store.networks.list().map((n) => [n.id, n]));
  const holder = endpoints.find((e) => !nets.get(e.networkId)?.internal);
  return [
    ...planNetns(path),
    ...endpoints.flatMap((e) => {
      const n = nets.get(e.networkId)!;
      const ops = planAttach(path, n, e);
      return e === holder ? ops : ops.filter((op) => op.op !== 'add-route');
    }),
  ];
}

async function readOr(path: string, fallback: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => fallback);
}

/** The steps that bring the container's network back where it is missing, and their plan. */
async function networkSteps(
  engine: Engine,
  c: Container,
  cfg: StoredConfig,
): Promise<{ steps: Step[]; netns: string; plan: ChangePlan }> {
  const { roots } = engine;
  const plan = emptyPlan();
  if (cfg.network.startsWith('container:'))
    return { steps: [], netns: (await resolveJoin(engine, cfg.network)).netns, plan };
  if (cfg.network === 'host') return { steps: [], netns: 'host', plan };
  const netns = netnsPath(roots.runRoot, c.id);
  const endpoints = engine.store.endpoints.forContainer(c.id);
  const steps: Step[] = [];
  if (!existsSync(netns)) {
    const ops = rebuildOps(engine, netns, endpoints);
    steps.push(opsStep(ops, engine.kernel));
    plan.operations = ops.map(describeOp);
  }
  if (endpoints.length > 0) {
    const fw = await firewallStep(engine);
    steps.push(
      localnetStep(
        engine,
        endpoints.map((e) => e.networkId),
      ),
      fw.step,
    );
    plan.rules = fw.plan.text();
  }
  return { steps, netns, plan };
}

/** What start did (or, with dryRun, would do). */
export interface StartResult {
  container: Container;
  started: boolean;
  /** The steps, one line each. */
  plan: string[];
}

/** The step launching the container detached with its recorded configuration, then recording its state. */
function launchStep(
  engine: Engine,
  c: Container,
  cfg: StoredConfig,
  netns: string,
  rootfs: () => string,
  onSpawned?: () => void,
): Step {
  const { roots } = engine;
  const s = engine.store;
  const p = containerPaths(roots, c.id);
  return {
    describe: 'start the container process',
    apply: async () => {
      const join = cfg.network.startsWith('container:') ? await resolveJoin(engine, cfg.network) : null;
      await dnsBeforeLaunch(engine, c.id, netns);
      // A record from before `config.dns` was kept: its --dns servers are in its old file.
      const oldResolv = c.config.dns ? '' : await readOr(p.resolv, '');
      const binds = await writeEtcFiles(engine, s.containers.require(c.id), join, { oldResolv });
      const spec: LaunchSpec = {
        ...cfg.launch,
        binds: [...binds, ...cfg.launch.binds.filter((b) => !binds.some((x) => x.target === b.target))],
        netns,
        rootfs: rootfs(),
        logPath: p.log,
        statePath: p.state,
      };
      const st = await launchDetached(spec, p, onSpawned ? { onSpawned } : {});
      s.containers.update(c.id, {
        state: st.status === 'exited' ? 'exited' : 'running',
        pid: st.pid || null,
        startedAt: st.startedAt ?? new Date().toISOString(),
        finishedAt: null,
      });
    },
  };
}

/**
 * Plans starting a stopped container (call under the lock): its network where it is
 * missing, its root filesystem, its process. Nothing to do when it is running already,
 * unless `afterStop` (a restart's dry run plans the start that follows its stop).
 */
export async function planStart(
  engine: Engine,
  ref: string,
  o: { afterStop?: boolean; onSpawned?: () => void } = {},
): Promise<Planned<StartResult>> {
  const { roots } = engine;
  const c = engine.store.containers.require(ref);
  refuseCniRecord(c, 'start');
  if (!o.afterStop && (await isActive(roots, c)))
    return { plan: emptyPlan(), steps: [], result: { container: c, started: false, plan: [] } };
  const cfg = c.config as unknown as StoredConfig;
  const net = await networkSteps(engine, c, cfg);
  const cg = cgroupPart(c.id, cfg.resources);
  let rootfs = '';
  const steps: Step[] = [
    ...net.steps,
    {
      describe: 'prepare root filesystem',
      apply: async () => void (rootfs = (await prepareRootfs(roots, c.id, cfg.imageId)).path),
    },
    ...readyStepsOf(engine, cfg.mounts),
    ...cg.steps,
    launchStep(engine, c, { ...cfg, launch: withCgroup(cfg.launch, cg.plan) }, net.netns, () => rootfs, o.onSpawned),
    linkParentsStep(engine, c.name),
  ];
  const describes = steps.map((x) => x.describe);
  const plan = { ...net.plan, processes: [launchArgv(containerPaths(roots, c.id))], notes: describes };
  // Read once the steps have run: the record as the launch left it.
  const result = { container: c, started: true, plan: describes };
  steps.push({
    describe: 'read the record',
    apply: () => void (result.container = engine.store.containers.require(c.id)),
  });
  return { plan, steps, result };
}
