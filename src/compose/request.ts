/**
 * A service to the requests netctl's engine takes: `run` on its first network (or its
 * network_mode), `network connect` for each further one. The service name is an alias on
 * each of its networks, as in compose. Pure.
 */
import type { RunRequest } from '../engine/containers.js';
import type { ConnectRequest } from '../engine/connect.js';
import type { ImageRecord } from '../runtime/image-config.js';
import type { ComposeMount, ComposeProject, ComposeService, DependsCondition } from './types.js';
import type { MountRequest } from '../model/volume.js';
import { volumeLabels } from './labels.js';
import { mergeEnv } from '../engine/run-network.js';
import { mergeHealth } from '../model/health.js';
import { parseSignal, signalNumber } from '../model/process-options.js';

/** Everything one service's container is made with. */
export interface ServiceRequest {
  run: RunRequest;
  connect: ConnectRequest[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  /** `depends_on` conditions to wait for before it starts (compose/model-health.ts). */
  waitFor?: DependsCondition[];
  /** Issue 25: post_start and pre_stop hooks (ops/compose-hooks.ts). */
  hooks?: ComposeService['hooks'];
}

function networkName(p: ComposeProject, key: string): string {
  return p.networks.find((n) => n.key === key)?.name ?? key;
}

function mode(p: ComposeProject, s: ComposeService): string {
  const m = s.networkMode;
  if (m === undefined) return networkName(p, s.networks[0]!.key);
  if (m.startsWith('service:')) return `container:${p.services.find((x) => x.name === m.slice(8))!.containerName}`;
  return m;
}

function aliases(s: ComposeService, extra: readonly string[]): string[] {
  return [...new Set([s.name, ...extra])].filter((a) => a !== s.containerName);
}

function argv(s: ComposeService, image: ImageRecord): string[] {
  // As in Docker: a new entrypoint drops the image's command.
  const entry = s.entrypoint ?? image.config.entrypoint ?? [];
  const cmd = s.command ?? (s.entrypoint ? [] : (image.config.cmd ?? []));
  return [...entry, ...cmd];
}

/** A mount of the service as `run` takes it: a project volume made with its options and labels when missing. */
function mountRequest(p: ComposeProject, m: ComposeMount): MountRequest {
  const { key, ...rest } = m;
  const v = key === undefined ? undefined : p.volumes.find((x) => x.key === key);
  if (rest.type !== 'volume' || !v || v.external) return rest;
  return { ...rest, create: { options: v.options, labels: volumeLabels(p, v) } };
}

/** Limits, process options and a user by name, into the run request. */
function limitsOf(s: ComposeService, run: RunRequest): void {
  const proc = { ...s.limits?.proc, ...(s.user?.byName ? { user: s.user.byName } : {}) };
  if (Object.keys(proc).length > 0) run.launch.proc = proc;
  if (s.limits?.resources) run.resources = s.limits.resources;
  if (s.limits?.options) run.options = s.limits.options;
}

// Docker: the image's StopSignal unless stop_signal names one; a bad one is not the user's to fix.
function imageStopSignal(run: RunRequest, image: ImageRecord): void {
  const sig = image.config.stopSignal;
  if (!sig || run.launch.proc?.stopSignal) return;
  try {
    const name = parseSignal('StopSignal', sig);
    run.launch.proc = { ...run.launch.proc, stopSignal: signalNumber(name) };
    run.options = { ...run.options, stopSignal: name };
  } catch {
    // Docker refuses such an image at create; netctl keeps SIGTERM.
  }
}

/** The requests for service `s` of `p`, made from `image` (resolved from `s.image`). */
export function serviceRequest(
  p: ComposeProject,
  s: ComposeService,
  image: ImageRecord,
  labels: Record<string, string>,
  ephemeral?: readonly [number, number],
): ServiceRequest {
  const network = mode(p, s);
  const [first, ...rest] = s.networks;
  const run: RunRequest = {
    name: s.containerName,
    image: { id: image.id, ref: s.image },
    network,
    ports: s.ports,
    launch: {
      hostname: s.hostname ?? s.containerName,
      env: mergeEnv(image.config.env, s.environment),
      uid: s.user?.uid ?? 0,
      gid: s.user?.gid ?? 0,
      cwd: s.workingDir ?? image.config.workingDir ?? '/',
      argv: argv(s, image),
      binds: [],
      restart: s.restart,
      ...(s.restartMax ? { restartMax: s.restartMax } : {}),
      tty: false,
      interactive: false,
    },
    links: s.links.map((l) => ({ name: p.services.find((x) => x.name === l.service)!.containerName, alias: l.alias })),
    exposed: [...new Set([...image.config.exposedPorts, ...s.expose])],
    labels,
    mounts: {
      mounts: s.volumes.map((m) => mountRequest(p, m)),
      volumesFrom: s.volumesFrom,
      imageVolumes: image.config.volumes ?? [],
    },
    ...(ephemeral ? { ephemeral } : {}),
  };
  limitsOf(s, run);
  // The service's healthcheck over the image's HEALTHCHECK, as Docker merges them.
  const health = mergeHealth(image.config.healthcheck, s.healthcheck);
  if (health) run.health = health;
  imageStopSignal(run, image);
  if (first) {
    run.aliases = aliases(s, first.aliases);
    if (first.ipv4Address) run.ip = first.ipv4Address;
    // Issue 25: interface_name and link_local_ips.
    if (first.ifname) run.ifname = first.ifname;
    if (first.linkLocal) run.linkLocal = first.linkLocal;
  }
  const connect = rest.map(
    (n): ConnectRequest => ({
      network: networkName(p, n.key),
      container: s.containerName,
      aliases: aliases(s, n.aliases),
      ...(n.ipv4Address ? { ip: n.ipv4Address } : {}),
      ...(n.ifname ? { ifname: n.ifname } : {}),
      ...(n.linkLocal ? { linkLocal: n.linkLocal } : {}),
    }),
  );
  return {
    run,
    connect,
    dns: s.dns,
    dnsSearch: s.dnsSearch ?? [],
    dnsOptions: s.dnsOptions ?? [],
    extraHosts: s.extraHosts,
    ...(s.waitFor ? { waitFor: s.waitFor } : {}),
    ...(s.hooks ? { hooks: s.hooks } : {}),
  };
}
