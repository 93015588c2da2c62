/**
 * `cni install`'s use case (ops/cni-install.ts): the files named from the Host's state
 * directories, written once, left alone when unchanged, refused when different unless forced.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHost } from '../../../src/ops/host.js';
import { cniInstallFiles, putInstallFile } from '../../../src/ops/cni-install.js';
import { ConflictError } from '../../../src/errors.js';
import type { Engine } from '../../../src/engine/context.js';
import type { Store } from '../../../src/store/index.js';
import type { UfwDeps } from '../../../src/firewall/ufw/observe.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function host(root: string, runRoot: string) {
  return makeHost(
    { root, runRoot },
    {
      ufw: { etc: '/nowhere/ufw' } as UfwDeps,
      store: () => ({}) as Store,
      engine: async () => ({}) as Engine,
    },
  );
}

describe('cni install', () => {
  it('names state directories other than the defaults in the configuration list', () => {
    const files = cniInstallFiles(host('/srv/netctl', '/run/netctl'), {
      binDir: '/opt/cni/bin',
      confDir: '/etc/cni/net.d',
      name: 'pods',
      daemon: false,
    });
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['/opt/cni/bin/netctl', 0o755],
      [expect.stringMatching(/^\/etc\/cni\/net\.d\/.*pods.*\.conflist$/), 0o644],
    ]);
    const conf = JSON.parse(files[1]!.text) as { plugins: { root?: string; runRoot?: string }[] };
    expect(conf.plugins[0]).toMatchObject({ root: '/srv/netctl' });
    expect(conf.plugins[0]!.runRoot).toBeUndefined();
    expect(files[0]!.text).toContain('unset NODE_EXTRA_CA_CERTS');
  });

  it('writes a file once, leaves it when unchanged, refuses a different one unless forced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netctl-cni-install-'));
    dirs.push(dir);
    const f = { path: join(dir, 'bin', 'netctl'), text: '#!/bin/sh\n', mode: 0o755 };
    expect(await putInstallFile(f, false)).toBe('written');
    expect(statSync(f.path).mode & 0o777).toBe(0o755);
    expect(await putInstallFile(f, false)).toBe('unchanged');
    writeFileSync(f.path, 'other\n');
    await expect(putInstallFile(f, false)).rejects.toBeInstanceOf(ConflictError);
    expect(readFileSync(f.path, 'utf8')).toBe('other\n');
    expect(await putInstallFile(f, true)).toBe('written');
    expect(readFileSync(f.path, 'utf8')).toBe('#!/bin/sh\n');
  });
});
