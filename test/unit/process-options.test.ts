import { describe, expect, it } from 'vitest';
import {
  capabilityMask,
  capabilityNames,
  parseRestart,
  parseSignal,
  parseSysctl,
  parseUlimit,
  parseUser,
} from '../../src/model/process-options.js';
import { cpusetList, parseBytes, parseResources } from '../../src/model/resources.js';
import { encodeProc } from '../../src/runtime/launcher-proc.js';

describe('resource options', () => {
  it('parses sizes as Docker does (binary units)', () => {
    expect(parseBytes('--memory', '512m')).toBe(512 * 1024 * 1024);
    expect(parseBytes('--memory', '1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('--memory', '64MB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('--memory', '4096')).toBe(4096);
    expect(() => parseBytes('--memory', '12x')).toThrow('invalid --memory "12x"');
  });

  it('checks limits against each other and their ranges', () => {
    expect(parseResources({ memory: '64m', cpus: '0.5', pidsLimit: '-1' })).toEqual({
      memory: 64 << 20,
      cpus: 0.5,
    });
    expect(() => parseResources({ memory: '1m' })).toThrow('the minimum is 6m');
    expect(() => parseResources({ memorySwap: '1g' })).toThrow('--memory-swap needs --memory');
    expect(() => parseResources({ memory: '1g', memorySwap: '512m' })).toThrow('less than --memory');
    expect(() => parseResources({ memory: '64m', memoryReservation: '1g' })).toThrow('more than --memory');
    expect(() => parseResources({ cpus: '0' })).toThrow('invalid --cpus "0"');
    expect(() => parseResources({ cpuShares: '1' })).toThrow('invalid --cpu-shares "1"');
    expect(() => parseResources({ cpusetCpus: '0-' })).toThrow('invalid --cpuset-cpus "0-"');
    expect(cpusetList('0-2,5')).toEqual([0, 1, 2, 5]);
  });
});

describe('process options', () => {
  it('computes capability sets as Docker: default, drops, adds, ALL, privileged', () => {
    const def = capabilityNames(capabilityMask([], []));
    expect(def).toHaveLength(14);
    expect(def).toContain('CAP_NET_RAW');
    const names = capabilityNames(capabilityMask(['NET_ADMIN'], ['cap_net_raw']));
    expect(names).toContain('CAP_NET_ADMIN');
    expect(names).not.toContain('CAP_NET_RAW');
    expect(capabilityNames(capabilityMask(['CHOWN'], ['ALL']))).toEqual(['CAP_CHOWN']);
    expect(capabilityNames(capabilityMask([], [], true))).toHaveLength(41);
    expect(() => capabilityMask(['NET_FOO'], [])).toThrow('invalid capability "NET_FOO"');
  });

  it('takes namespaced sysctls only', () => {
    expect(parseSysctl('net.ipv4.ip_forward=1', 'bridge')).toBe('net.ipv4.ip_forward=1');
    expect(parseSysctl('kernel.shmmax=1000', 'bridge')).toBe('kernel.shmmax=1000');
    expect(parseSysctl('fs.mqueue.msg_max=20', 'bridge')).toBe('fs.mqueue.msg_max=20');
    expect(() => parseSysctl('kernel.pid_max=100', 'bridge')).toThrow('"kernel.pid_max" is not namespaced');
    expect(() => parseSysctl('vm.swappiness=1', 'bridge')).toThrow('not namespaced');
    expect(() => parseSysctl('net.ipv4.ip_forward=1', 'host')).toThrow('--network host');
    expect(() => parseSysctl('nonsense', 'bridge')).toThrow('expected NAME=VALUE');
  });

  it('parses ulimits, signals, users and restart policies', () => {
    expect(parseUlimit('nofile=1024:2048')).toBe('nofile=1024:2048');
    expect(parseUlimit('nproc=50')).toBe('nproc=50:50');
    expect(parseUlimit('core=-1')).toBe('core=-1:-1');
    expect(() => parseUlimit('nofile=10:5')).toThrow('soft limit is above');
    expect(() => parseUlimit('files=1')).toThrow('invalid --ulimit "files=1"');
    expect(parseSignal('--stop-signal', 'quit')).toBe('SIGQUIT');
    expect(parseSignal('--stop-signal', '10')).toBe('SIGUSR1');
    expect(() => parseSignal('--stop-signal', 'SIGFOO')).toThrow('invalid --stop-signal "SIGFOO"');
    expect(parseUser('1000')).toEqual({ uid: 1000, gid: 1000 });
    expect(parseUser('nobody:nogroup')).toEqual({ uid: 0, gid: 0, byName: 'nobody:nogroup' });
    expect(() => parseUser('a b')).toThrow('invalid --user');
    expect(parseRestart('on-failure:3')).toEqual({ restart: 'on-failure', max: 3 });
    expect(parseRestart('unless-stopped')).toEqual({ restart: 'always', max: 0 });
    expect(() => parseRestart('always:3')).toThrow('invalid --restart "always:3"');
  });

  it("encodes the launcher's records", () => {
    expect(
      encodeProc({ cgroups: ['/c/cgroup.procs'], caps: 'a80425fb', init: true, sysctls: ['net.x=1'], stopSignal: 3 }),
    ).toEqual(['cgroup', '/c/cgroup.procs', 'sysctl', 'net.x=1', 'caps', 'a80425fb', 'init', '1', 'stop-signal', '3']);
    expect(() => encodeProc({ cgroups: ['rel'] })).toThrow('not absolute');
  });
});
