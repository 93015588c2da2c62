/**
 * Containers: run (record, address, namespace, endpoint, published ports, rules, then the
 * process) and teardown, planned under the database's write lock; ops/ applies the steps
 * (undoing every kernel step when a later one fails) or, for `--dry-run`, shows the plan.
 */
import { refuseCniRecord } from '../model/cni-record.js';
import type { Engine } from './context.js';
import type { Container } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PortRequest } from '../store/index.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import type { MountInput } from './mounts.js';
import { containerPaths, type RuntimeRoots } from '../runtime/paths.js';
import { prepareRootfs, removeContainerFiles } from '../runtime/rootfs.js';
import { launchArgv, launchDetached, stopContainer } from '../runtime/launch.js';
import { liveStatus, readState } from '../runtime/state.js';
import { netnsPath, planNetns } from './container-net.js';
import { linkParentsStep, writeEtcFiles, type Warn } from './etc-files.js';
import { checkRunDns } from './run-dns.js';
import {
  checkNetworkOptions,
  mergeEnv,
  recordLinks,
  resolveJoin,
  type JoinedNetns,
  type LinkRequest,
} from './run-network.js';
import { opsStep } from './kernel-steps.js';
import { dnsBeforeLaunch } from './dns-hook.js';
import { planDefaultNetwork } from './networks.js';
import { attachPlan, detachSteps, recordEndpoint } from './attach.js';
import { sequence, together, type Step } from '../model/steps.js';
import { emptyPlan, joinPlans, type ChangePlan, type Planned } from './plan.js';
import { describeOp } from '../netlink/plan.js';
import { ConflictError, UsageError } from '../errors.js';
import type { Resources } from '../model/resources.js';
import type { ProcessRecord } from '../model/process-options.js';
import type { HealthConfig } from '../model/health.js';
import { cgroupPart, removeCgroupSteps, withCgroup } from './container-cgroup.js';
import { thawIfFrozen } from '../runtime/freezer.js';

/** What `run` asks for, already validated by the CLI. */
export interface RunRequest {
  name: string;
  image: { id: string; ref: string };
  /** `bridge` (default network), a network name, `host`, `none` or `container:NAME`. */
  network: string;
  ip?: string;
  /** Issue 25: an IPv6 address on a network with an IPv6 subnet (compose's ipv6_address). */
  ip6?: string;
  /** Issue 25: compose's interface_name and link_local_ips on the first network. */
  ifname?: string;
  linkLocal?: string[];
  ports: PortRequest[];
  /** The process: everything but the paths and namespace, which the engine decides. */
  launch: Omit<LaunchSpec, 'netns' | 'rootfs' | 'logPath' | 'statePath' | 'binds'> & { binds: LaunchSpec['binds'] };
  ephemeral?: readonly [number, number];
  /** Network-scoped aliases on a user-defined network (`--alias`). */
  aliases?: string[];
  /** `--link NAME[:ALIAS]`. */
  links?: LinkRequest[];
  /** Exposed ports (`80/tcp`): the image's and `--expose`; what a link to it opens. */
  exposed?: string[];
  /** Metadata kept in the record's config (`compose` marks its containers with them). */
  labels?: Record<string, string>;
  /** Volumes, binds and tmpfs mounts: planned by engine/run-mounts.ts (`planRunWithMounts`). */
  mounts?: Omit<MountInput, 'imageId'>;
  /** cgroup limits (`--memory`, `--cpus`...). */
  resources?: Resources;
  /** Process options as given (`--cap-add`, `--init`, `--stop-timeout`...), for inspect and stop. */
  options?: ProcessRecord;
  /** The health check (the image's merged with the user's), for the health runner and inspect. */
  health?: HealthConfig;
}

/** The network a new container joins (none for host, none and container:NAME), and the default network's plan. */
async function resolveNetwork(engine: Engine, name: string): Promise<Planned<Network | null>> {
  if (name === 'bridge') return planDefaultNetwork(engine);
  const none = { plan: emptyPlan(), steps: [] };
  if (name === 'host' || name === 'none' || name.startsWith('container:')) return { ...none, result: null };
  return { ...none, result: engine.store.networks.require(name) };
}

/** Namespace, endpoint, ports, links and rules of a new container, recorded and planned. */
async function networkSteps(
  engine: Engine,
  c: Container,
  req: RunRequest,
  network: Network | null,
  join: JoinedNetns | null,
): Promise<{ steps: Step[]; netns: string; env: string[]; plan: ChangePlan }> {
  const { roots } = engine;
  const netns = join?.netns ?? (req.network === 'host' ? 'host' : netnsPath(roots.runRoot, c.id));
  const steps: Step[] = [];
  const plan = emptyPlan();
  if (netns !== 'host' && !join) {
    const ops = planNetns(netns);
    steps.push(opsStep(ops, engine.kernel));
    plan.operations = ops.map(describeOp);
  }
  if (!network) return { steps, netns, env: [], plan };
  const recorded = recordEndpoint(engine, c, network, {
    ports: req.ports,
    ...(req.ip ? { ip: req.ip } : {}),
    ...(req.ip6 ? { ip6: req.ip6 } : {}),
    ...(req.ifname ? { ifname: req.ifname } : {}),
    ...(req.linkLocal ? { linkLocal: req.linkLocal } : {}),
    ...(req.ephemeral ? { ephemeral: req.ephemeral } : {}),
    ...(req.aliases ? { aliases: req.aliases } : {}),
  });
  const env = await recordLinks(engine, c, req.links ?? []);
  const attach = await attachPlan(engine, netns, network, recorded);
  steps.push(...attach.steps);
  return { steps, netns, env, plan: joinPlans(plan, attach.plan) };
}

/** How `run` starts the process. */
export interface RunOptions {
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** Where a warning goes (Docker's fallback resolvers in use). */
  warn?: Warn;
  extraHosts?: string[];
  /** Instead of launching it detached, hand the prepared launch spec over (state stays `created`). */
  attach?: (spec: LaunchSpec) => void;
}

/** Refuses published ports the network cannot take, before anything is recorded. */
function checkPorts(req: RunRequest, network: Network | null): void {
  if (network?.internal && req.ports.length > 0)
    throw new UsageError(`network "${network.name}" is internal: it publishes nothing`);
  if (!network && req.ports.length > 0) throw new UsageError(`ports cannot be published with --network ${req.network}`);
}

/** The step writing the container's /etc files and starting its process (or handing it to `opts.attach`). */
function launchStep(
  engine: Engine,
  c: Container,
  launch: RunRequest['launch'],
  net: { netns: string },
  join: JoinedNetns | null,
  opts: RunOptions,
  rootfs: () => string,
): Step {
  const { roots } = engine;
  const s = engine.store;
  return {
    describe: 'start the container process',
    apply: async () => {
      const rec = s.containers.require(c.id);
      await dnsBeforeLaunch(engine, c.id, net.netns);
      const binds = await writeEtcFiles(engine, rec, join, opts.warn ? { warn: opts.warn } : {});
      const p = containerPaths(roots, c.id);
      const spec: LaunchSpec = {
        ...launch,
        binds: [...binds, ...launch.binds],
        netns: net.netns,
        rootfs: rootfs(),
        logPath: p.log,
        statePath: p.state,
      };
      // Attached (-i/-t): the caller runs it once the lock is released; it may run for hours.
      if (opts.attach) return opts.attach(spec);
      const st = await launchDetached(spec, p);
      s.containers.update(c.id, {
        state: st.status === 'exited' ? 'exited' : 'running',
        pid: st.pid || null,
        startedAt: st.startedAt ?? new Date().toISOString(),
      });
    },
  };
}

/**
 * Records a new container (call under the lock) and plans it: the default network when it
 * is missing, namespace, endpoint, ports, rules, root filesystem and the launcher. The
 * result is the record as the steps leave it.
 */
export async function planRun(engine: Engine, req: RunRequest, opts: RunOptions = {}): Promise<Planned<Container>> {
  const { roots } = engine;
  const s = engine.store;
  checkNetworkOptions(req.network, {
    ip: req.ip,
    aliases: req.aliases,
    links: req.links,
    dns: opts.dns,
    extraHosts: opts.extraHosts,
  });
  const dns = checkRunDns(req, opts);
  const resolved = await resolveNetwork(engine, req.network);
  const network = resolved.result;
  checkPorts(req, network);
  if (s.containers.get(req.name)?.name === req.name)
    throw new ConflictError(`container name "${req.name}" is already in use`);
  const join = req.network.startsWith('container:') ? await resolveJoin(engine, req.network) : null;
  const config = {
    imageId: req.image.id,
    network: req.network,
    launch: req.launch,
    extraHosts: opts.extraHosts ?? [],
    dns,
    exposed: req.exposed ?? [],
    ...(join ? { netns: join.netns } : {}),
    ...(req.labels ? { labels: req.labels } : {}),
    ...(req.resources ? { resources: req.resources } : {}),
    ...(req.options ? { options: req.options } : {}),
    ...(req.health ? { health: req.health } : {}),
  };
  const c = s.containers.create({ name: req.name, image: req.image.ref, config });
  const net = await networkSteps(engine, c, req, network, join);
  const launch = { ...req.launch, env: mergeEnv(net.env, req.launch.env) };
  if (net.env.length > 0) s.containers.update(c.id, { config: { ...config, launch } });
  const cg = cgroupPart(c.id, req.resources);
  let rootfs = '';
  const result = { ...c };
  // The root filesystem (an overlay mount) does not wait for the network, nor it for it.
  const steps: Step[] = [
    ...resolved.steps,
    together([
      sequence(net.steps),
      {
        describe: 'prepare root filesystem',
        apply: async () => void (rootfs = (await prepareRootfs(roots, c.id, req.image.id)).path),
        undo: () => removeContainerFiles(roots, c.id),
      },
    ]),
    ...cg.steps,
    launchStep(engine, c, withCgroup(launch, cg.plan), net, join, opts, () => rootfs),
    linkParentsStep(engine, req.name),
    { describe: 'read the record', apply: () => void Object.assign(result, s.containers.require(c.id)) },
  ];
  // Attached, the caller starts the same launcher once the lock is released.
  const processes = [launchArgv(containerPaths(roots, c.id))];
  const more = { ...emptyPlan(), processes, ...(cg.notes.length > 0 ? { notes: cg.notes } : {}) };
  return { plan: joinPlans(resolved.plan, net.plan, more), steps, result };
}

/** Stops a container's process (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopProcess(roots: RuntimeRoots, c: Container, graceMs: number): Promise<void> {
  // A paused container is thawed first: a frozen process cannot act on SIGTERM (nor, on v1, die).
  await thawIfFrozen(c.id);
  await stopContainer(containerPaths(roots, c.id).state, graceMs);
}

/**
 * Plans removing a container (call under the lock): its process (refused while it runs,
 * unless `force`), namespace, veths, rules, addresses, ports, files, and last its record.
 */
export async function planRemoveContainer(engine: Engine, ref: string, force: boolean): Promise<Planned<Container>> {
  const { roots } = engine;
  const s = engine.store;
  const c = s.containers.require(ref);
  refuseCniRecord(c, 'remove');
  const st = await readState(containerPaths(roots, c.id).state);
  const steps: Step[] = [];
  if (st && liveStatus(st) !== 'exited' && liveStatus(st) !== 'dead') {
    if (!force) throw new ConflictError(`container "${c.name}" is running`, 'stop it first, or use rm -f');
    // As docker rm -f: SIGKILL at once (an init that ignores SIGTERM would cost the grace).
    steps.push({ describe: `kill container "${c.name}"`, apply: () => stopProcess(roots, c, 0) });
  }
  const cfg = c.config as { network?: string };
  // A container in another's namespace (container:NAME) owns neither it nor a veth.
  const owns = cfg.network !== 'host' && !cfg.network?.startsWith('container:');
  steps.push(
    ...(await detachSteps(engine, c, owns ? { path: netnsPath(roots.runRoot, c.id), remove: true } : null)),
    { describe: 'remove container files', apply: () => removeContainerFiles(roots, c.id) },
    ...removeCgroupSteps(c.id),
    { describe: 'remove the record', apply: () => void s.containers.remove(c.id) },
  );
  return { plan: { ...emptyPlan(), notes: steps.map((x) => x.describe) }, steps, result: c, removing: [c.id] };
}
