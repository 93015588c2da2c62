/**
 * The netavark plugin's pure parts: its input checked and turned into CNI's ADD/DEL, the
 * status block, the installed wrapper (written, read back) and containers.conf's plugin dirs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginDirsOf, readWrapper, wrapperText } from '../../../src/podman/install-plan.js';
import {
  cniRequest,
  forwardedArgv,
  parseCreate,
  parseExec,
  portMappings,
  PODMAN_LABEL,
} from '../../../src/podman/request.js';
import { statusBlock } from '../../../src/podman/status.js';

const network = {
  name: 'pnet',
  id: 'ab12',
  driver: 'netctl',
  subnets: [{ subnet: 'fd00::/64' }, { subnet: '10.98.0.0/24', gateway: '10.98.0.1' }],
  options: { mtu: '1400' },
};
const exec = {
  container_id: 'c0ffee',
  container_name: 'web',
  port_mappings: [{ container_port: 80, host_port: 8080, protocol: 'tcp', range: 2 }],
  network,
  network_options: { interface_name: 'eth0' },
};

describe('podman plugin input', () => {
  it('turns setup into CNI ADD: the container name, the ports per port, the IPv4 subnet, the label', () => {
    const req = cniRequest('ADD', '/run/netns/x', parseExec(JSON.stringify(exec)));
    expect(req).toMatchObject({
      command: 'ADD',
      containerId: 'c0ffee',
      ifname: 'eth0',
      netns: '/run/netns/x',
      args: { K8S_POD_NAME: 'web' },
      runtime: 'podman',
      conf: {
        name: 'pnet',
        network: 'pnet',
        create: { subnet: '10.98.0.0/24', gateway: '10.98.0.1', mtu: 1400, labels: { [PODMAN_LABEL]: 'ab12' } },
        portMappings: [
          { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostPort: 8081, containerPort: 81, protocol: 'tcp' },
        ],
      },
    });
  });

  it('refuses bad input with one line naming the value', () => {
    expect(() => parseCreate('{')).toThrow(/^decode network configuration: /);
    expect(() => parseCreate(JSON.stringify({ ...network, driver: 'bridge' }))).toThrow(
      'network "pnet" has driver "bridge", not "netctl"',
    );
    expect(() => parseCreate(JSON.stringify({ ...network, name: '../x' }))).toThrow('invalid network name "../x"');
    expect(() => parseExec(JSON.stringify({ ...exec, network_options: {} }))).toThrow(
      'network_options: "interface_name" must be a non-empty string',
    );
    expect(() => portMappings([{ container_port: 80, host_port: 65535, range: 2 }])).toThrow('invalid host port 65536');
    expect(() =>
      cniRequest('ADD', '/x', parseExec(JSON.stringify({ ...exec, network: { ...network, options: { mtu: 'x' } } }))),
    ).toThrow('invalid option mtu "x"');
  });
});

describe('podman status block', () => {
  it("names the container's interface, its addresses and netctl's DNS server", () => {
    const result = {
      cniVersion: '1.0.0',
      interfaces: [
        { name: 'nc-1' },
        { name: 'vn1' },
        { name: 'eth0', mac: '02:42:0a:62:00:02', sandbox: '/run/netns/x' },
      ],
      ips: [{ address: '10.98.0.2/24', gateway: '10.98.0.1', interface: 2 }],
    };
    expect(statusBlock(result, 'eth0', true)).toEqual({
      dns_search_domains: [],
      dns_server_ips: ['127.0.0.11'],
      interfaces: {
        eth0: { mac_address: '02:42:0a:62:00:02', subnets: [{ ipnet: '10.98.0.2/24', gateway: '10.98.0.1' }] },
      },
    });
    expect(statusBlock(result, 'eth0', false).dns_server_ips).toEqual([]);
  });
});

describe('podman install files', () => {
  it('writes a wrapper it can read back, quotes included', () => {
    const spec = {
      node: '/usr/bin/node',
      entry: "/opt/net'ctl/netctl-podman.js",
      root: '/var/lib/n',
      runRoot: '/run/n',
    };
    const text = wrapperText(spec);
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(readWrapper(text)).toEqual(spec);
    expect(readWrapper('#!/bin/sh\nexec /usr/bin/netavark-plugin "$@"\n')).toBeUndefined();
  });

  it('routes create/setup/teardown through the shim with the command in the environment, info to node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netctl-wrapper-'));
    try {
      const fake = (name: string): string => {
        const path = join(dir, name);
        writeFileSync(path, `#!/bin/sh\necho "${name} $* [$NETCTL_PODMAN_COMMAND|$NETCTL_PODMAN_NETNS]"\n`, {
          mode: 0o755,
        });
        return path;
      };
      const spec = { node: fake('node'), entry: '/e.js', root: '/r', runRoot: '/rr' };
      const via = { shim: fake('shim'), socket: "/run/it's.sock" };
      const text = wrapperText({ ...spec, via });
      expect(readWrapper(text)).toEqual({ ...spec, via });
      const plugin = join(dir, 'netctl');
      writeFileSync(plugin, text, { mode: 0o755 });
      const run = (...args: string[]): string => execFileSync(plugin, args, { input: '', encoding: 'utf8' }).trim();
      expect(run('setup', '/run/netns/x')).toBe(
        `shim ${via.socket} ${spec.node} /e.js setup /run/netns/x [setup|/run/netns/x]`,
      );
      expect(run('create')).toBe(`shim ${via.socket} ${spec.node} /e.js create [create|]`);
      expect(run('info')).toBe(`node /e.js info [|]`);
      expect(forwardedArgv({ NETCTL_PODMAN_COMMAND: 'teardown', NETCTL_PODMAN_NETNS: '/n' })).toEqual([
        'teardown',
        '/n',
      ]);
      expect(forwardedArgv({ NETCTL_PODMAN_COMMAND: 'create', NETCTL_PODMAN_NETNS: '' })).toEqual(['create']);
      expect(forwardedArgv({ CNI_COMMAND: 'ADD' })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads netavark_plugin_dirs of a containers.conf, over lines and around comments', () => {
    const conf =
      '[network]\n# netavark_plugin_dirs = ["/no"]\nnetavark_plugin_dirs = [\n  "/a", # first\n  \'/b\',\n]\n';
    expect(pluginDirsOf(conf)).toEqual(['/a', '/b']);
    expect(pluginDirsOf('[network]\nnetwork_backend = "netavark"\n')).toBeUndefined();
  });
});
