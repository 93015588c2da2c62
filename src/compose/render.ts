/**
 * The project as netctl runs it, back in compose's shape (every value resolved, ports in
 * the long form, allow rules under x-netctl), for `compose config`. Pure.
 */
import type { ComposeProject, ComposeService, Mapping, Value } from './types.js';
import { renderLimits } from './render-limits.js';

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
        if (n.priority) o.priority = n.priority;
        return [n.key, Object.keys(o).length ? o : null];
      }),
    );
  }
  if (s.links.length) m.links = s.links.map((l) => `${l.service}:${l.alias}`);
  if (s.dependsOn.length)
    m.depends_on = Object.fromEntries(s.dependsOn.map((d) => [d, { condition: 'service_started' }]));
  if (s.volumes.length)
    m.volumes = s.volumes.map((v) => ({ type: 'bind', source: v.source, target: v.target, read_only: v.readOnly }));
  if (s.workingDir) m.working_dir = s.workingDir;
  if (s.user) m.user = s.user.byName ?? `${s.user.uid}:${s.user.gid}`;
  m.restart = s.restartMax ? `on-failure:${s.restartMax}` : s.restart;
  Object.assign(m, renderLimits(s.limits));
  if (Object.keys(s.labels).length) m.labels = s.labels;
  if (s.hostname) m.hostname = s.hostname;
  if (s.dns.length) m.dns = s.dns;
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
  };
}
