import { describe, expect, it } from 'vitest';
import { encodeLaunchConfig, parseVolume, type LaunchSpec } from '../../../src/runtime/launcher-config.js';

const spec: LaunchSpec = {
  netns: '/run/netns/x',
  rootfs: '/run/netctl/containers/c1/rootfs',
  hostname: 'web',
  env: ['PATH=/bin', 'A=b=c'],
  uid: 1000,
  gid: 100,
  cwd: '/srv',
  argv: ['sh', '-c', 'echo "$A"'],
  binds: [{ source: '/data', target: '/mnt/data', readOnly: true }],
  logPath: '/run/netctl/containers/c1/container.log',
  statePath: '/run/netctl/containers/c1/state.json',
  restart: 'on-failure',
  restartMax: 3,
  tty: false,
  interactive: true,
  cleanup: ['netctl', 'rm', 'c1'],
};

function fields(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  expect(text.endsWith('\0')).toBe(true);
  return text.slice(0, -1).split('\0');
}

describe('launcher config', () => {
  it('encodes tmpfs mounts in order among the binds: target, options, mode', () => {
    const binds = [
      { source: '/data', target: '/mnt/data', readOnly: false },
      { source: 'tmpfs', target: '/mnt/data/tmp', readOnly: true, tmpfs: 'size=1m,mode=1777' },
    ];
    const f = fields(encodeLaunchConfig({ ...spec, binds }, false));
    const at = f.indexOf('bind');
    expect(f.slice(at, at + 8)).toEqual([
      'bind',
      '/data',
      '/mnt/data',
      'rw',
      'tmpfs',
      '/mnt/data/tmp',
      'size=1m,mode=1777',
      'ro',
    ]);
    expect(() =>
      encodeLaunchConfig({ ...spec, binds: [{ source: 'tmpfs', target: 'rel', readOnly: false, tmpfs: '' }] }, false),
    ).toThrow(/tmpfs target "rel"/);
  });

  it('encodes every field as NUL-terminated key/value records after the magic', () => {
    expect(fields(encodeLaunchConfig(spec, true))).toEqual([
      'netctl-launcher/1',
      'netns',
      '/run/netns/x',
      'rootfs',
      '/run/netctl/containers/c1/rootfs',
      'hostname',
      'web',
      'cwd',
      '/srv',
      'log',
      '/run/netctl/containers/c1/container.log',
      'state',
      '/run/netctl/containers/c1/state.json',
      'uid',
      '1000',
      'gid',
      '100',
      'restart',
      'on-failure',
      'restart-max',
      '3',
      'tty',
      '0',
      'interactive',
      '1',
      'attach',
      '1',
      'env',
      'PATH=/bin',
      'env',
      'A=b=c',
      'arg',
      'sh',
      'arg',
      '-c',
      'arg',
      'echo "$A"',
      'bind',
      '/data',
      '/mnt/data',
      'ro',
      'cleanup',
      'netctl',
      'cleanup',
      'rm',
      'cleanup',
      'c1',
    ]);
  });

  it('refuses NUL bytes, relative paths, ".." targets, bad ids and an empty command', () => {
    expect(() => encodeLaunchConfig({ ...spec, env: ['A=\0'] }, false)).toThrow('NUL');
    expect(() => encodeLaunchConfig({ ...spec, netns: 'x' }, false)).toThrow('not absolute');
    expect(() => encodeLaunchConfig({ ...spec, cwd: 'srv' }, false)).toThrow('working directory');
    expect(() =>
      encodeLaunchConfig({ ...spec, binds: [{ source: '/a', target: '/b/../etc', readOnly: false }] }, false),
    ).toThrow('volume target');
    expect(() => encodeLaunchConfig({ ...spec, uid: -1 }, false)).toThrow('uid');
    expect(() => encodeLaunchConfig({ ...spec, argv: [] }, false)).toThrow('no command');
  });

  it('accepts "host" as the network namespace', () => {
    expect(fields(encodeLaunchConfig({ ...spec, netns: 'host' }, false)).slice(1, 3)).toEqual(['netns', 'host']);
  });
});

describe('volume specs', () => {
  it('parses HOST:CTR[:ro|rw]', () => {
    expect(parseVolume('/srv/data:/data')).toEqual({ source: '/srv/data', target: '/data', readOnly: false });
    expect(parseVolume('/srv/data:/data:ro')).toEqual({ source: '/srv/data', target: '/data', readOnly: true });
    expect(parseVolume('/srv/data:/data:rw')).toEqual({ source: '/srv/data', target: '/data', readOnly: false });
  });

  it.each(['data:/data', '/a', '/a:b', '/a:/b:rx', '/a:/b:ro:x', '/a:/../b'])('refuses %j', (bad) => {
    expect(() => parseVolume(bad)).toThrow(expect.objectContaining({ exitCode: 2 }) as Error);
  });
});
