import { describe, expect, it } from 'vitest';
import { goField, parseCniArgs, parseRequest } from '../../../src/cni/request.js';
import { CniError } from '../../../src/cni/error.js';
import { negotiate, versionResult } from '../../../src/cni/version.js';

const ENV = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'abc123',
  CNI_NETNS: '/run/netns/x',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin:/usr/lib/cni',
};
const CONF = { cniVersion: '1.0.0', name: 'pods', type: 'netctl' };

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof CniError) return err.code;
    throw err;
  }
  throw new Error('no error');
}

describe('CNI request parsing', () => {
  it('reads env and config', () => {
    const r = parseRequest(
      { ...ENV, CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=prod;K8S_POD_NAME=web-0' },
      JSON.stringify({
        ...CONF,
        subnet: '10.1.0.0/24',
        runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '' }] },
      }),
    );
    expect(r.command).toBe('ADD');
    expect(r.path).toEqual(['/opt/cni/bin', '/usr/lib/cni']);
    expect(r.args).toEqual({ IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'prod', K8S_POD_NAME: 'web-0' });
    expect(r.conf.network).toBe('pods');
    expect(r.conf.create).toEqual({ subnet: '10.1.0.0/24' });
    expect(r.conf.portMappings).toEqual([{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
  });

  it("reads containerd's portMappings, whose keys go-cni capitalises, as Go does", () => {
    const maps = [
      { HostPort: 8080, ContainerPort: 80, Protocol: 'tcp', HostIP: '' },
      { hostport: 53, CONTAINERPORT: 53, protocol: 'UDP', HostIP: '192.0.2.1' },
    ];
    const r = parseRequest(ENV, JSON.stringify({ ...CONF, runtimeConfig: { portMappings: maps } }));
    expect(r.conf.portMappings).toEqual([
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 53, containerPort: 53, protocol: 'udp', hostIP: '192.0.2.1' },
    ]);
    expect(goField({ hostPort: 1, HostPort: 2 }, 'HostPort')).toBe(2);
    expect(goField({ hostPort: 1 }, 'HostPort')).toBe(1);
  });

  it('reads the ipam ranges form and netctl keys', () => {
    const r = parseRequest(
      ENV,
      JSON.stringify({
        ...CONF,
        network: 'front',
        bridge: 'br-pods',
        mtu: 1400,
        icc: false,
        root: '/tmp/r',
        ipam: { ranges: [[{ subnet: '10.2.0.0/16', gateway: '10.2.0.254' }]] },
      }),
    );
    expect(r.conf.network).toBe('front');
    expect(r.conf.root).toBe('/tmp/r');
    expect(r.conf.create).toEqual({
      subnet: '10.2.0.0/16',
      gateway: '10.2.0.254',
      bridge: 'br-pods',
      mtu: 1400,
      icc: false,
    });
  });

  it('refuses with the spec codes', () => {
    expect(code(() => parseRequest({}, '{}'))).toBe(4);
    expect(code(() => parseRequest({ CNI_COMMAND: 'FOO' }, '{}'))).toBe(4);
    expect(code(() => parseRequest(ENV, '{not json'))).toBe(6);
    expect(code(() => parseRequest(ENV, '[1]'))).toBe(6);
    expect(code(() => parseRequest(ENV, JSON.stringify({ ...CONF, cniVersion: '0.2.0' })))).toBe(1);
    expect(code(() => parseRequest(ENV, JSON.stringify({ name: 'x', type: 'netctl' })))).toBe(7);
    expect(code(() => parseRequest(ENV, JSON.stringify({ ...CONF, name: 'bad name' })))).toBe(7);
    expect(code(() => parseRequest(ENV, JSON.stringify({ ...CONF, ipam: { type: 'host-local' } })))).toBe(2);
    expect(code(() => parseRequest({ ...ENV, CNI_NETNS: '' }, JSON.stringify(CONF)))).toBe(4);
    expect(code(() => parseRequest({ ...ENV, CNI_IFNAME: 'a/b' }, JSON.stringify(CONF)))).toBe(4);
    expect(code(() => parseRequest({ ...ENV, CNI_CONTAINERID: '-x' }, JSON.stringify(CONF)))).toBe(4);
    expect(
      code(() =>
        parseRequest(
          ENV,
          JSON.stringify({ ...CONF, runtimeConfig: { portMappings: [{ hostPort: 0, containerPort: 80 }] } }),
        ),
      ),
    ).toBe(7);
    expect(code(() => parseRequest({ ...ENV, CNI_COMMAND: 'GC' }, JSON.stringify(CONF)))).toBe(1);
    expect(code(() => parseCniArgs('novalue'))).toBe(4);
  });

  it('DEL needs no netns; GC reads both attachment keys', () => {
    const { CNI_NETNS: _n, ...env } = ENV;
    expect(parseRequest({ ...env, CNI_COMMAND: 'DEL' }, JSON.stringify(CONF)).netns).toBeUndefined();
    const gc = parseRequest(
      { CNI_COMMAND: 'GC', CNI_PATH: '/x' },
      JSON.stringify({ ...CONF, cniVersion: '1.1.0', 'cni.dev/attachments': [{ containerID: 'a', ifname: 'eth0' }] }),
    );
    expect(gc.conf.validAttachments).toEqual([{ containerID: 'a', ifname: 'eth0' }]);
  });

  it('negotiates versions', () => {
    expect(negotiate('1.0.0')).toBe('1.0.0');
    expect(negotiate('1.1.0', ['0.4.0', '1.0.0', '1.1.0'])).toBe('1.1.0');
    expect(negotiate('2.0.0', ['1.0.0'])).toBe('1.0.0');
    expect(versionResult()).toEqual({ cniVersion: '1.1.0', supportedVersions: ['1.0.0', '1.1.0'] });
  });
});
