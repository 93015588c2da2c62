/**
 * Containers: run (record, address, namespace, endpoint, published ports, rules, then the
 * process) and teardown, under the database's write lock, undoing every kernel step when a
 * later one fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Container } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PortRequest } from '../store/index.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import { containerPaths, type RuntimeRoots } from '../runtime/paths.js';
import { prepareRootfs, removeContainerFiles } from '../runtime/rootfs.js';
import { launchDetached, stopContainer } from '../runtime/launch.js';
import { liveStatus, readState } from '../runtime/state.js';
import { netnsPath, planNetns } from './container-net.js';
import { hostsStep, netView } from './container-steps.js';
import { hostsText } from './hosts.js';
import {
  checkNetworkOptions,
  mergeEnv,
  recordLinks,
  resolveJoin,
  type JoinedNetns,
  type LinkRequest,
} from './run-network.js';
import { opsStep } from './kernel-steps.js';
import { ensureDefaultNetwork } from './networks.js';
import { attachSteps, detachSteps, recordEndpoint } from './attach.js';
import { runSteps, sequence, together, type Step } from '../model/steps.js';
import { ConflictError, UsageError } from '../errors.js';

/** What `run` asks for, already validated by the CLI. */
export interface RunRequest {
  name: string;
  image: { id: string; ref: string };
  /** `bridge` (default network), a network name, `host`, `none` or `container:NAME`. */
  network: string;
  ip?: string;
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
}

/** Writes the container's hosts, resolv.conf and hostname files; returns their bind mounts. */
export async function writeEtcFiles(
  roots: RuntimeRoots,
  c: Container,
  hosts: string,
  hostname: string,
  dns: readonly string[],
  join: JoinedNetns | null,
): Promise<LaunchSpec['binds']> {
  const p = containerPaths(roots, c.id);
  await mkdir(p.runDir, { recursive: true, mode: 0o700 });
  await writeFile(p.hosts, hosts);
  await writeFile(p.resolv, dns.map((d) => `nameserver ${d}\n`).join('') || 'nameserver 127.0.0.53\n');
  await writeFile(p.hostname, `${hostname}\n`);
  // A container in another's namespace shares its hosts and resolv.conf, as in Docker.
  return [
    { source: join?.hosts ?? p.hosts, target: '/etc/hosts', readOnly: false },
    { source: join?.resolv ?? p.resolv, target: '/etc/resolv.conf', readOnly: false },
    { source: p.hostname, target: '/etc/hostname', readOnly: false },
  ];
}

async function resolveNetwork(engine: Engine, name: string): Promise<Network | null> {
  if (name === 'host' || name === 'none' || name.startsWith('container:')) return null;
  if (name === 'bridge') return ensureDefaultNetwork(engine);
  return engine.store.networks.require(name);
}

/** Namespace, endpoint, ports, links and rules of a new container, recorded and planned. */
async function networkSteps(
  engine: Engine,
  c: Container,
  req: RunRequest,
  network: Network | null,
  join: JoinedNetns | null,
): Promise<{ steps: Step[]; netns: string; env: string[] }> {
  const { roots } = engine;
  const _s = engine.store;
  const netns = join?.netns ?? (req.network === 'host' ? 'host' : netnsPath(roots.runRoot, c.id));
  const steps: Step[] = [];
  if (netns !== 'host' && !join) steps.push(opsStep(planNetns(netns), engine.kernel));
  if (!network) return { steps, netns, env: [] };
  const recorded = recordEndpoint(engine, c, network, {
    ports: req.ports,
    ...(req.ip ? { ip: req.ip } : {}),
    ...(req.ephemeral ? { ephemeral: req.ephemeral } : {}),
    ...(req.aliases ? { aliases: req.aliases } : {}),
  });
  const env = await recordLinks(engine, c, req.links ?? []);
  steps.push(...(await attachSteps(engine, netns, network, recorded)));
  return { steps, netns, env };
}

/** How `run` starts the process. */
export interface RunOptions {
  dns?: string[];
  extraHosts?: string[];
  /** Instead of launching it detached, hand the prepared launch spec over (state stays `created`). */
  attach?: (spec: LaunchSpec) => void;
}

/** Runs a detached container (or prepares an attached one); returns its record. */
export async function runContainer(engine: Engine, req: RunRequest, opts: RunOptions = {}): Promise<Container> {
  const { roots } = engine;
  checkNetworkOptions(req.network, {
    ip: req.ip,
    aliases: req.aliases,
    links: req.links,
    dns: opts.dns,
    extraHosts: opts.extraHosts,
  });
  const network = await resolveNetwork(engine, req.network);
  if (network?.internal && req.ports.length > 0)
    throw new UsageError(`network "${network.name}" is internal: it publishes nothing`);
  if (!network && req.ports.length > 0) throw new UsageError(`ports cannot be published with --network ${req.network}`);
  return engine.store.locked(async () => {
    const s = engine.store;
    if (s.containers.get(req.name)?.name === req.name)
      throw new ConflictError(`container name "${req.name}" is already in use`);
    const join = req.network.startsWith('container:') ? await resolveJoin(engine, req.network) : null;
    const config = {
      imageId: req.image.id,
      network: req.network,
      launch: req.launch,
      extraHosts: opts.extraHosts ?? [],
      exposed: req.exposed ?? [],
      ...(join ? { netns: join.netns } : {}),
      ...(req.labels ? { labels: req.labels } : {}),
    };
    const c = s.containers.create({ name: req.name, image: req.image.ref, config });
    const net = await networkSteps(engine, c, req, network, join);
    const launch = { ...req.launch, env: mergeEnv(net.env, req.launch.env) };
    if (net.env.length > 0) s.containers.update(c.id, { config: { ...config, launch } });
    let rootfs = '';
    // The root filesystem (an overlay mount) does not wait for the network, nor it for it.
    const steps: Step[] = [
      together([
        sequence([...net.steps, hostsStep(engine)]),
        {
          describe: 'prepare root filesystem',
          apply: async () => void (rootfs = (await prepareRootfs(roots, c.id, req.image.id)).path),
          undo: () => removeContainerFiles(roots, c.id),
        },
      ]),
    ];
    steps.push({
      describe: 'start the container process',
      apply: async () => {
        const rec = s.containers.require(c.id);
        const binds = await writeEtcFiles(
          roots,
          rec,
          hostsText(netView(s), rec),
          launch.hostname,
          opts.dns ?? [],
          join,
        );
        const p = containerPaths(roots, c.id);
        const spec: LaunchSpec = {
          ...launch,
          binds: [...binds, ...launch.binds],
          netns: net.netns,
          rootfs,
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
    });
    await runSteps(steps);
    return s.containers.require(c.id);
  });
}

/** Stops a container's process (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopProcess(roots: RuntimeRoots, c: Container, graceMs: number): Promise<void> {
  await stopContainer(containerPaths(roots, c.id).state, graceMs);
}

/** Removes a container: process, namespace, veths, rules, addresses, ports, files, record. */
export async function removeContainer(engine: Engine, ref: string, force: boolean): Promise<Container> {
  const { roots } = engine;
  return engine.store.locked(async () => {
    const s = engine.store;
    const c = s.containers.require(ref);
    const st = await readState(containerPaths(roots, c.id).state);
    if (st && liveStatus(st) !== 'exited' && liveStatus(st) !== 'dead') {
      if (!force) throw new ConflictError(`container "${c.name}" is running`, 'stop it first, or use rm -f');
      // As docker rm -f: SIGKILL at once (an init that ignores SIGTERM would cost the grace).
      await stopProcess(roots, c, 0);
    }
    const cfg = c.config as { network?: string };
    // A container in another's namespace (container:NAME) owns neither it nor a veth.
    const owns = cfg.network !== 'host' && !cfg.network?.startsWith('container:');
    const steps = await detachSteps(engine, c, owns ? { path: netnsPath(roots.runRoot, c.id), remove: true } : null);
    steps.push(
      { describe: 'remove container files', apply: () => removeContainerFiles(roots, c.id) },
      hostsStep(engine),
    );
    await runSteps(steps);
    s.containers.remove(c.id);
    return c;
  });
}
