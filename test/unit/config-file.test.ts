import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigFile, configuredPools, parseConfig } from '../../src/sys/config-file.js';

describe('/etc/netctl/netctl.conf', () => {
  it('reads KEY=VALUE lines, comments, blanks and quotes', () => {
    const text = '# a comment\n\nNETCTL_ROOT=/srv/netctl\nNETCTL_DEFAULT_POOLS="10.1.0.0/24 10.2.0.0/24"\n';
    expect(parseConfig(text, 'f')).toEqual({
      NETCTL_ROOT: '/srv/netctl',
      NETCTL_DEFAULT_POOLS: '10.1.0.0/24 10.2.0.0/24',
    });
  });

  it.each([
    ['FOO=1', /^f:1: unknown setting FOO/],
    ['NETCTL_ROOT=relative', /^f:1: NETCTL_ROOT="relative": expected an absolute directory$/],
    ['DOCKER_HOST=/var/run/docker.sock', /^f:1: DOCKER_HOST=.*: expected unix:\/\/\/PATH/],
    ['NETCTL_DEFAULT_POOLS=10.1.0.0/33', /"10.1.0.0\/33" is not one/],
    ['just words', /^f:1: not KEY=VALUE/],
    ['NETCTL_LOG_LEVEL=loud', /^f:1: NETCTL_LOG_LEVEL="loud": expected error, warn, info, debug$/],
  ])('refuses %s with its line', (line, message) => {
    expect(() => parseConfig(line, 'f')).toThrow(message);
  });

  it('fills only what the environment does not set, from NETCTL_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netctl-conf-'));
    const path = join(dir, 'netctl.conf');
    writeFileSync(path, 'NETCTL_ROOT=/from/file\nNETCTL_RUN_ROOT=/run/file\n');
    const env: NodeJS.ProcessEnv = { NETCTL_CONFIG: path, NETCTL_ROOT: '/from/env' };
    applyConfigFile(env);
    expect(env.NETCTL_ROOT).toBe('/from/env');
    expect(env.NETCTL_RUN_ROOT).toBe('/run/file');
    expect(() => applyConfigFile({ NETCTL_CONFIG: join(dir, 'missing') })).toThrow(/cannot read/);
    expect(() => applyConfigFile({ NETCTL_CONFIG: '' })).not.toThrow();
    expect(configuredPools({ NETCTL_DEFAULT_POOLS: '10.1.0.0/24, 10.2.0.0/24' })).toEqual([
      '10.1.0.0/24',
      '10.2.0.0/24',
    ]);
  });
});
