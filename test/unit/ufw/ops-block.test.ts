/**
 * The ufw and Docker verbs of ops/ over a Host with fakes (ufw's files in memory, the fake
 * runner, a state database in a temp dir): each `--dry-run` returns its plan (the files'
 * diffs, the iptables-restore documents) and changes nothing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';
import type { Engine } from '../../../src/engine/context.js';
import { makeHost, type Host } from '../../../src/ops/host.js';
import { changeBlock, NETCTL_BLOCK, ufwBlock, ufwCheck } from '../../../src/ops/ufw.js';
import { dockerBlock, dockerSync, type DockerApi } from '../../../src/ops/docker.js';
import { DEBIAN, fakeHost, type FakeRunner, type MemFiles } from './fakes.js';

const AFTER = '/etc/ufw/after.rules';
const read = (name: string): string => readFileSync(new URL(`../../fixtures/ufw/${name}`, import.meta.url), 'latin1');

/** Docker with no containers. */
const api: DockerApi = {
  socket: '/run/docker.sock',
  get: async <T>(path: string) => (path === '/containers/json' ? ([] as T) : undefined),
  events: async () => undefined,
};

let host: Host;
let files: MemFiles;
let runner: FakeRunner;
let engines: number;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-ops-block-'));
  const fake = fakeHost();
  ({ files, runner } = fake);
  engines = 0;
  host = makeHost(
    { root, runRoot: root },
    {
      ufw: fake.deps,
      store: (p) => Store.open({ root: p.root }),
      // Kernel and firewall are never reached by these verbs' dry runs.
      engine: async (roots, store, ufw) => {
        engines++;
        return { store, ufw, roots, close: () => undefined } as unknown as Engine;
      },
    },
  );
});
afterEach(() => host.close());

describe('ufw install and uninstall --dry-run', () => {
  it('install plans the after.rules diffs and the chain loads, and writes, loads and opens nothing', async () => {
    const out = await ufwBlock(host, 'install', { dryRun: true });
    expect(out.applied).toBe(false);
    expect(out.plan.files).toHaveLength(2);
    expect(out.plan.files![0]).toMatch(/^--- \/etc\/ufw\/after\.rules\n/);
    expect(out.plan.files![0]).toContain('+# BEGIN netctl');
    expect(out.plan.rules).toContain('# iptables-restore -n\n');
    expect(out.plan.rules).toContain(':ufw-netctl-forward - [0:0]');
    expect(out.plan.rules).toContain('# ip6tables-restore -n\n');
    expect(files.text(AFTER)).toBe(DEBIAN.after);
    expect(runner.of('iptables-restore')).toEqual([]);
    expect(engines).toBe(0);
  });

  it('uninstall plans the chain removal and its deletion once netctl no longer jumps to it', async () => {
    await changeBlock(host, 'install', NETCTL_BLOCK, {});
    const installed = files.text(AFTER);
    const restores = runner.of('iptables-restore').length;
    const out = await ufwBlock(host, 'uninstall', { dryRun: true });
    expect(out.plan.files![0]).toContain('-# BEGIN netctl');
    expect(out.plan.rules).toContain(
      '# iptables-restore --noflush\n*filter\n:ufw-netctl-forward - [0:0]\n-X ufw-netctl-forward\n',
    );
    expect(out.plan.rules).toContain('-X ufw6-netctl-forward');
    expect(files.text(AFTER)).toBe(installed);
    expect(runner.of('iptables-restore')).toHaveLength(restores);
  });

  it('docker install --dry-run plans the netctl-docker block', async () => {
    files.put('/pkg/rules/ufw/docker-after.rules.block', read('../../../rules/ufw/docker-after.rules.block'));
    files.put('/pkg/rules/ufw/docker-after6.rules.block', read('../../../rules/ufw/docker-after6.rules.block'));
    const out = await dockerBlock(host, 'install', { dryRun: true });
    expect(out.plan.files![0]).toContain('+# BEGIN netctl-docker');
    expect(files.text(AFTER)).toBe(DEBIAN.after);
  });
});

describe('ufw check', () => {
  it('reads the block and the route rules against the database', async () => {
    const r = await ufwCheck(host);
    expect(r.block.changed).toBe(true);
    expect(r.drift).toBe(false);
    expect(r.routes).toBe('');
  });
});

describe('docker sync --dry-run', () => {
  it("plans the user rules' diff and changes nothing", async () => {
    const user = read('user.rules.docker');
    files.put('/etc/ufw/user.rules', user);
    files.put('/etc/ufw/user6.rules', read('user6.rules.docker'));
    const out = await dockerSync(host, api, { dryRun: true });
    expect(out.applied).toBe(false);
    expect(out.result.changed).toBe(true);
    expect(out.plan.files).toHaveLength(1);
    expect(out.plan.files![0]).toContain('--- /etc/ufw/user.rules');
    expect(out.plan.files![0]).toMatch(/^-### tuple ### .*comment=/m);
    expect(files.text('/etc/ufw/user.rules')).toBe(user);
  });

  it('applies what it planned', async () => {
    const user = read('user.rules.docker');
    files.put('/etc/ufw/user.rules', user);
    files.put('/etc/ufw/user6.rules', read('user6.rules.docker'));
    const out = await dockerSync(host, api, {});
    expect(out.applied).toBe(true);
    expect(files.text('/etc/ufw/user.rules')).not.toBe(user);
    expect((await dockerSync(host, api, { dryRun: true })).result.changed).toBe(false);
  });
});
