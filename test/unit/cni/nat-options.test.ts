import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../src/cni/request.js';
import { CniError } from '../../../src/cni/error.js';
import { natOptions, natSettings, parseClusterCidrs } from '../../../src/model/network-nat.js';
import { networkRules } from '../../../src/engine/firewall-input.js';
import type { Network } from '../../../src/model/network.js';
import { conflistText } from '../../../src/cni/install-plan.js';

const ENV = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'abc123', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0' };
const CONF = { cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.244.1.0/24' };

function refusal(conf: object): CniError {
  try {
    parseRequest(ENV, JSON.stringify({ ...CONF, ...conf }));
  } catch (err) {
    if (err instanceof CniError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('CNI NAT options', () => {
  it('reads ipMasq and clusterCIDR (a string with commas, or a list), canonical', () => {
    expect(parseRequest(ENV, JSON.stringify({ ...CONF, ipMasq: false })).conf.create).toEqual({
      subnet: '10.244.1.0/24',
      ipMasq: false,
    });
    expect(
      parseRequest(ENV, JSON.stringify({ ...CONF, clusterCIDR: '10.244.0.0/16, fd00:244::/56' })).conf.create
        .clusterCidrs,
    ).toEqual(['10.244.0.0/16', 'fd00:244::/56']);
    expect(
      parseRequest(ENV, JSON.stringify({ ...CONF, clusterCIDR: ['10.244.0.0/16', '10.244.0.0/16', '10.96.0.0/12'] }))
        .conf.create.clusterCidrs,
    ).toEqual(['10.244.0.0/16', '10.96.0.0/12']);
    expect(parseRequest(ENV, JSON.stringify(CONF)).conf.create).toEqual({ subnet: '10.244.1.0/24' });
  });

  it('refuses bad values with code 7, naming them', () => {
    for (const [conf, text] of [
      [{ ipMasq: 'no' }, '"ipMasq" must be true or false'],
      [{ clusterCIDR: '10.244.0.0' }, 'invalid cluster CIDR "10.244.0.0"'],
      [{ clusterCIDR: '10.244.1.0/16' }, 'host bits are set'],
      [{ clusterCIDR: 'pods/16' }, '"pods" is not an IP address'],
      [{ clusterCIDR: [] }, 'at least one subnet'],
      [{ clusterCIDR: 16 }, 'not 16'],
      [{ clusterCIDR: ['10.244.0.0/16', 7] }, 'not ["10.244.0.0/16",7]'],
    ] as const) {
      const e = refusal(conf);
      expect(e.code).toBe(7);
      expect(e.message).toContain(text);
    }
  });

  it('round-trips through network options, and only what differs from the defaults is kept', () => {
    expect(natOptions({})).toEqual({});
    expect(natOptions({ ipMasq: true, clusterCidrs: [] })).toEqual({});
    const o = natOptions({ ipMasq: false, clusterCidrs: parseClusterCidrs(['10.244.0.0/16', 'fd00:244::/56']) });
    expect(o).toEqual({
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
      'netctl.cluster_cidr': '10.244.0.0/16,fd00:244::/56',
    });
    expect(natSettings(o)).toEqual({ ipMasq: false, clusterCidrs: ['10.244.0.0/16', 'fd00:244::/56'] });
    expect(natSettings({})).toEqual({ ipMasq: true, clusterCidrs: [] });
  });

  it('the firewall input carries them', () => {
    const n: Network = {
      id: 'a01',
      name: 'pods',
      driver: 'bridge',
      bridge: 'br-pods',
      subnet: '10.244.1.0/24',
      gateway: '10.244.1.1',
      mtu: 1500,
      internal: false,
      icc: true,
      labels: {},
      options: { 'netctl.cluster_cidr': '10.244.0.0/16' },
      createdAt: '',
    };
    expect(networkRules(n)).toEqual({
      id: 'a01',
      name: 'pods',
      bridge: 'br-pods',
      subnet: '10.244.1.0/24',
      internal: false,
      icc: true,
      clusterCidrs: ['10.244.0.0/16'],
    });
    expect(networkRules({ ...n, options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } }).ipMasq).toBe(
      false,
    );
    expect(networkRules({ ...n, options: {} })).not.toHaveProperty('clusterCidrs');
  });

  it('netctl cni install writes clusterCIDR, and the plugin reads back what it wrote', () => {
    const one = JSON.parse(
      conflistText({ name: 'pods', subnet: '10.244.1.0/24', clusterCidrs: ['10.244.0.0/16'] }),
    ) as { plugins: Record<string, unknown>[] };
    expect(one.plugins[0]).toEqual({
      type: 'netctl',
      subnet: '10.244.1.0/24',
      clusterCIDR: '10.244.0.0/16',
      capabilities: { portMappings: true },
    });
    const two = JSON.parse(conflistText({ name: 'pods', clusterCidrs: ['10.244.0.0/16', 'fd00:244::/56'] })) as {
      cniVersion: string;
      name: string;
      plugins: Record<string, unknown>[];
    };
    expect(two.plugins[0]!.clusterCIDR).toEqual(['10.244.0.0/16', 'fd00:244::/56']);
    const conf = { cniVersion: two.cniVersion, name: two.name, ...two.plugins[0] };
    expect(parseRequest(ENV, JSON.stringify(conf)).conf.create.clusterCidrs).toEqual([
      '10.244.0.0/16',
      'fd00:244::/56',
    ]);
    expect(conflistText({ name: 'pods' })).not.toContain('clusterCIDR');
  });
});
