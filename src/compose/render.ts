/**
 * The project as netctl runs it, back in compose's shape (every value resolved, ports in
 * the long form, allow rules under x-netctl), for `compose config`. Pure.
 */
import { renderDependsOn, renderHealth } from './render-health.js';
import type { ComposeMount, ComposeProject, ComposeService, ComposeVolume, Mapping, Value } from './types.js';
import { renderLimits } from './render-limits.js';
import { renderExtra } from './render-extra.js';
import { renderApps } from './render-apps.js';

function service(s: ComposeService): Mapping {
  const m: Mapping = { container_name: s.containerName, image: s.image };
  if (s.entrypoint) m.entrypoint = s.entrypoint;
  if (s.command) m.command = s.command;
  if (s.environment.length)
    m.environment = Object.fromEntries(
      s.environment.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  if (s.ports.length) {
    m.ports = s.ports.map((p) => {
      const out: Mapping = { target: p.containerPort, protocol: p.proto ?? 'tcp' };
      if (p.hostPort !== undefined) out.published = String(p.hostPort);
      if (p.hostIp !== undefined) out.host_ip = p.hostIp;
      return out;
    });
  }
  if (s.expose.length) m.expose = s.expose;
  if (s.networkMode) m.network_mode = s.networkMode;
  if (s.networks.length) {
    m.networks = Object.fromEntries(
      s.networks.map((n): [string, Value] => {
        const o: Mapping = {};
        if (n.aliases.length) o.aliases = n.aliases;
        if (n.ipv4Address) o.ipv4_address = n.ipv4Address;
        if (n.ipv6Address) o.ipv6_address = n.ipv6Address;
        if (n.priority) o.priority = n.priority;
        if (n.ifname) o.interface_name = n.ifname;
        if (n.linkLocal) o.link_local_ips = n.linkLocal;
        return [n.key, Object.keys(o).length ? o : null];
      }),
    );
  }
  if (s.links.length) m.links = s.links.map((l) => `${l.service}:${l.alias}`);
  if (s.dependsOn.length) m.depends_on = renderDependsOn(s);
  if (s.healthcheck) m.healthcheck = renderHealth(s.healthcheck);
  const mounts = s.volumes.filter((v) => v.type !== 'tmpfs');
  if (mounts.length) m.volumes = mounts.map(renderMount);
  const tmpfs = s.volumes.filter((v) => v.type === 'tmpfs');
  if (tmpfs.length) m.tmpfs = tmpfs.map((v) => (v.options ? `${v.target}:${v.options}` : v.target));
  if (s.volumesFrom.length)
    m.volumes_from = s.volumesFrom.map((f) => `container:${f.container}${f.mode ? `:${f.mode}` : ''}`);
  if (s.workingDir) m.working_dir = s.workingDir;
  if (s.user) m.user = s.user.byName ?? `${s.user.uid}:${s.user.gid}`;
  m.restart = s.restartMax ? `on-failure:${s.restartMax}` : s.restart;
  Object.assign(m, renderLimits(s.limits), renderExtra(s), renderApps(s));
  if (Object.keys(s.labels).length) m.labels = s.labels;
  if (s.hostname) m.hostname = s.hostname;
  if (s.dns.length) m.dns = s.dns;
  if (s.dnsSearch?.length) m.dns_search = s.dnsSearch;
  if (s.dnsOptions?.length) m.dns_opt = s.dnsOptions;
  if (s.extraHosts.length) m.extra_hosts = s.extraHosts.map((h) => h.split('\t').reverse().join(':'));
  if (s.allow.length)
    m['x-netctl'] = {
      allow: s.allow.map((r) => ({
        port: r.port,
        ...(r.proto ? { proto: r.proto } : {}),
        ...(r.from ? { from: r.from } : {}),
      })),
    };
  return m;
}

function renderMount(v: ComposeMount): Mapping {
  const out: Mapping = { type: v.type, target: v.target };
  if (v.type === 'bind') {
    out.source = v.source;
    if (!v.create) out.bind = { create_host_path: false };
  } else if (v.type === 'volume') {
    if (v.key) out.source = v.key;
    if (v.noCopy || v.subpath)
      out.volume = { ...(v.noCopy ? { nocopy: true } : {}), ...(v.subpath ? { subpath: v.subpath } : {}) };
  }
  if (v.readOnly) out.read_only = true;
  return out;
}

function renderVolume(v: ComposeVolume): Mapping {
  const m: Mapping = { name: v.name };
  if (v.external) m.external = true;
  if (Object.keys(v.options).length) m.driver_opts = v.options;
  if (Object.keys(v.labels).length) m.labels = v.labels;
  return m;
}

/** The whole project. */
export function renderProject(p: ComposeProject): Mapping {
  const networks: Mapping = {};
  for (const n of p.networks) {
    const m: Mapping = { name: n.name };
    if (n.external) m.external = true;
    else {
      m.driver = 'bridge';
      if (n.internal) m.internal = true;
      if (n.ipv6) m.enable_ipv6 = true;
      const config: Mapping[] = [];
      if (n.subnet)
        config.push({
          subnet: n.subnet,
          ...(n.gateway ? { gateway: n.gateway } : {}),
          ...(n.ipRange ? { ip_range: n.ipRange } : {}),
        });
      if (n.subnet6) config.push({ subnet: n.subnet6, ...(n.gateway6 ? { gateway: n.gateway6 } : {}) });
      if (config.length) m.ipam = { config };
      const opts: Mapping = {};
      if (!n.icc) opts['com.docker.network.bridge.enable_icc'] = 'false';
      if (n.bridge) opts['com.docker.network.bridge.name'] = n.bridge;
      if (n.mtu) opts['com.docker.network.driver.mtu'] = String(n.mtu);
      if (Object.keys(opts).length) m.driver_opts = opts;
      if (Object.keys(n.labels).length) m.labels = n.labels;
    }
    networks[n.key] = m;
  }
  return {
    name: p.name,
    services: Object.fromEntries(p.services.map((s) => [s.name, service(s)])),
    ...(p.networks.length ? { networks } : {}),
    ...(p.volumes.length ? { volumes: Object.fromEntries(p.volumes.map((v) => [v.key, renderVolume(v)])) } : {}),
  };
}
