/**
 * `netctl docker status`'s IPv6 line, pure: route rules to IPv6 addresses open nothing while
 * Docker makes no ip6tables rules (its IPv6 published ports are docker-proxy on INPUT then).
 */
import { describe, expect, it } from 'vitest';
import type { DockerContainer } from '../../../src/docker/model.js';
import { desiredDockerRoutes } from '../../../src/docker/routes.js';
import {
  effectiveRoutes,
  ipv6Note,
  portStatus,
  renderDockerStatus,
  type DockerStatus,
} from '../../../src/docker/status.js';

const web: DockerContainer = {
  id: 'c1',
  name: 'web',
  running: true,
  addresses: [{ network: 'v6net', ipv4: '172.18.0.2', ipv6: 'fd00:d0c::2' }],
  ports: [{ port: 80, proto: 'tcp' }],
  labels: {},
};
const v4only: DockerContainer = { ...web, addresses: [{ network: 'bridge', ipv4: '172.17.0.2', ipv6: '' }] };
const from6 = desiredDockerRoutes(
  [{ container: 'web', port: 80, proto: null, from: '2001:db8:2::/64', network: null }],
  [web],
);
const base: DockerStatus = {
  ufw: { active: true, routedPolicy: 'deny' },
  families: [],
  docker: { socket: '/run/docker.sock', containers: 1 },
  watch: { running: false },
  ports: [],
  drift: { missing: [], stale: [] },
};

describe('docker status over IPv6', () => {
  it('counts IPv6 route rules only where Docker makes ip6tables rules', () => {
    expect(from6.map((r) => r.family)).toEqual([6]);
    expect(portStatus([web], effectiveRoutes(from6, true))[0]!.open).toEqual(['2001:db8:2::/64']);
    expect(portStatus([web], effectiveRoutes(from6, false))[0]!.open).toEqual([]);
  });

  it('says why when containers have IPv6 addresses and Docker has no ip6tables rules, and only then', () => {
    expect(ipv6Note([web], false)).toMatch(/without --ip6tables.*ufw allow PORT/);
    expect(ipv6Note([web], true)).toBeUndefined();
    expect(ipv6Note([v4only], false)).toBeUndefined();
    expect(ipv6Note([{ ...web, ports: [] }], false)).toBeUndefined();
    expect(renderDockerStatus({ ...base, ipv6: ipv6Note([web], false) })).toContain(
      '\nIPv6: Docker makes no ip6tables rules',
    );
    expect(renderDockerStatus(base)).not.toContain('IPv6:');
  });
});

describe('docker status of a port published on loopback', () => {
  it('says local only, whatever the rules, and names the host ports', () => {
    const local: DockerContainer = {
      ...web,
      ports: [{ port: 80, proto: 'tcp', hosts: [{ ip: '127.0.0.1', port: 8080 }] }],
    };
    const wide: DockerContainer = {
      ...web,
      ports: [{ port: 80, proto: 'tcp', hosts: [{ ip: '0.0.0.0', port: 8080 }] }],
    };
    const [l] = portStatus([local], []);
    expect(l).toMatchObject({ local: true, hosts: ['127.0.0.1:8080'] });
    expect(portStatus([wide], [])[0]!.local).toBeUndefined();
    const text = renderDockerStatus({ ...base, ports: [l!] });
    expect(text).toMatch(/web\s+80\/tcp\s+.*\s+local only \(host 127\.0\.0\.1:8080\)/);
  });
});
