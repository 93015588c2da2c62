/**
 * The merged documents to a ComposeProject: networks and services built and checked,
 * services put in dependency order (cycles refused), the default network kept only when a
 * service uses it. Pure but for env_file reads, which come in as a function.
 */
import type { ComposeBuild, ComposeNetwork, ComposeProject, ComposeService, Mapping } from './types.js';
import { asMapping } from './parse.js';
import { composeNetwork } from './model-network.js';
import { composeService } from './model-service.js';
import { composeVolume } from './model-volume.js';
import type { Vars } from './interpolate.js';
import type { Where } from './where.js';
import { enabledServices, serviceExtra, settleBuild } from './model-extra.js';
import { topFiles } from './model-secrets.js';

/** The default network's key. */
export const DEFAULT_KEY = 'default';

/** Services ordered so that each comes after what it depends on; a cycle is refused. */
export function dependencyOrder(w: Where, services: readonly ComposeService[]): ComposeService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const out: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ComposeService, chain: string[]): void => {
    const st = state.get(s.name);
    if (st === 'done') return;
    if (st === 'visiting')
      throw w.error(['services', s.name, 'depends_on'], `dependency cycle: ${[...chain, s.name].join(' -> ')}`);
    state.set(s.name, 'visiting');
    for (const d of s.dependsOn) visit(byName.get(d)!, [...chain, s.name]);
    state.set(s.name, 'done');
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}

/** Each service's container name (`container_name`, or `PROJECT-SERVICE-1`), for volumes_from. */
function containerNames(project: string, raw: Mapping): Map<string, string> {
  return new Map(
    Object.entries(raw).map(([k, v]) => {
      const cn = v !== null && typeof v === 'object' && !Array.isArray(v) ? v.container_name : undefined;
      return [k, typeof cn === 'string' ? cn : `${project}-${k}-1`];
    }),
  );
}

/** Everything the project needs besides the documents. */
export interface ProjectInput {
  w: Where;
  name: string;
  workingDir: string;
  files: string[];
  vars: Vars;
  readFile: (path: string) => string | undefined;
  warnings: string[];
  /** Issue 25: active profiles, `up --scale`, the host's platform, builds taken as done. */
  profiles?: readonly string[];
  scale?: Readonly<Record<string, number>>;
  platform?: string;
  assumeBuilt?: boolean;
}

/** Builds the project from the merged document. */
export function buildProject(input: ProjectInput, merged: Mapping): ComposeProject {
  const { w, name } = input;
  const rawNets = asMapping(w, ['networks'], merged.networks ?? null);
  const all = asMapping(w, ['services'], merged.services ?? null);
  if (Object.keys(all).length === 0) throw w.error([], 'no services defined');
  const extra = {
    w,
    project: name,
    platform: input.platform ?? 'linux/amd64',
    secrets: topFiles(w, 'secret', merged.secrets, input.workingDir, input.vars),
    configs: topFiles(w, 'config', merged.configs, input.workingDir, input.vars),
    scale: input.scale ?? {},
    assumeBuilt: input.assumeBuilt === true,
    workingDir: input.workingDir,
    builds: new Map<string, ComposeBuild>(),
    warnings: input.warnings,
  };
  const rawServices = Object.fromEntries(
    Object.entries(enabledServices(w, all, input.profiles ?? [])).map(([k, v]) => [k, settleBuild(extra, k, v)]),
  );
  const netKeys = Object.keys(rawNets);
  const networks: ComposeNetwork[] = netKeys.map((k) => composeNetwork(w, name, k, rawNets[k]!));
  const rawVolumes = asMapping(w, ['volumes'], merged.volumes ?? null);
  const volumes = Object.entries(rawVolumes).map(([k, v]) => composeVolume(w, name, k, v));
  const ctx = {
    w,
    project: name,
    workingDir: input.workingDir,
    vars: input.vars,
    services: Object.keys(rawServices),
    networks: netKeys,
    volumes,
    containers: containerNames(name, rawServices),
    readFile: input.readFile,
    warnings: input.warnings,
  };
  const services = dependencyOrder(
    w,
    Object.entries(rawServices).map(([k, v]) => {
      const build = extra.builds.get(k);
      return { ...composeService(ctx, k, v), ...serviceExtra(extra, k, v), ...(build ? { build } : {}) };
    }),
  );
  const seen = new Map<string, string>();
  for (const s of services) {
    const other = seen.get(s.containerName);
    if (other)
      throw w.error(
        ['services', s.name, 'container_name'],
        `container name "${s.containerName}" is also service "${other}"'s`,
      );
    seen.set(s.containerName, s.name);
  }
  if (
    !networks.some((n) => n.key === DEFAULT_KEY) &&
    services.some((s) => s.networks.some((n) => n.key === DEFAULT_KEY))
  ) {
    networks.unshift({
      key: DEFAULT_KEY,
      name: `${name}_${DEFAULT_KEY}`,
      external: false,
      internal: false,
      icc: true,
      ipv6: false,
      labels: {},
    });
  }
  const used = new Set(services.flatMap((s) => s.networks.map((n) => n.key)));
  for (const s of services) {
    for (const n of s.networks) {
      const net = networks.find((x) => x.key === n.key)!;
      if (n.ipv6Address !== undefined && !net.ipv6)
        throw w.error(
          ['services', s.name, 'networks', n.key, 'ipv6_address'],
          `network "${n.key}" has no IPv6 (enable_ipv6)`,
        );
      if (net.internal && s.ports.length > 0 && s.networks[0] === n)
        throw w.error(['services', s.name, 'ports'], `network "${n.key}" is internal: it publishes nothing`);
    }
  }
  return {
    name,
    workingDir: input.workingDir,
    files: input.files,
    services,
    networks: networks.filter((n) => used.has(n.key) || n.key !== DEFAULT_KEY),
    volumes,
    warnings: input.warnings,
  };
}
