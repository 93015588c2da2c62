/**
 * Who owns which rule in ufw's user.rules / user6.rules: `docker sync` (planDockerSync and
 * applyDockerSync over a real state database, ufw's files in memory, the fake runner)
 * rewrites only the `netctl:docker:` entries and leaves the user's own rules and netctl's
 * own container rules byte for byte; netctl's own sync leaves Docker's alone. The files
 * are fixtures ufw itself wrote (test/fixtures/ufw/README).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';
import { applyDockerSync, planDockerSync } from '../../../src/docker/sync.js';
import type { DockerContainer } from '../../../src/docker/model.js';
import { planRoutes, applyRoutes } from '../../../src/firewall/ufw/routes-apply.js';
import { parseUserRules, type UserEntry } from '../../../src/firewall/ufw/user-rules.js';
import { fakeHost, type FakeRunner, type MemFiles } from '../ufw/fakes.js';
import type { UfwDeps } from '../../../src/firewall/ufw/observe.js';

const read = (name: string): string => readFileSync(new URL(`../../fixtures/ufw/${name}`, import.meta.url), 'latin1');
const USER = { 4: read('user.rules.docker'), 6: read('user6.rules.docker') } as const;
const PATH = { 4: '/etc/ufw/user.rules', 6: '/etc/ufw/user6.rules' } as const;
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

/** The file without the entries (tuple line and its rule lines) whose comment starts with `prefix`: an oracle independent of the splicer. */
function without(text: string, prefix: string): string {
  const blocks = text.split('\n\n');
  return blocks
    .filter((b) => !b.startsWith('### tuple ###') || !b.split('\n')[0]!.includes(` comment=${hex(prefix)}`))
    .join('\n\n');
}
const entries = (text: string): UserEntry[] => parseUserRules(text).entries;
const comments = (text: string): string[] => entries(text).map((e) => e.comment);

const web = (over: Partial<DockerContainer> = {}): DockerContainer => ({
  id: 'c1',
  name: 'web',
  running: true,
  addresses: [{ network: 'v6net', ipv4: '172.18.0.2', ipv6: 'fd00:d0c::2' }],
  ports: [{ port: 80, proto: 'tcp' }],
  labels: {},
  ...over,
});

let store: Store;
let files: MemFiles;
let runner: FakeRunner;
let deps: UfwDeps;

beforeEach(() => {
  store = Store.open({ root: mkdtempSync(join(tmpdir(), 'netctl-docker-splice-')) });
  ({ files, runner, deps } = fakeHost());
  files.put(PATH[4], USER[4]);
  files.put(PATH[6], USER[6]);
});
afterEach(() => store.close());

/** One `docker sync`: plan and apply under the lock, as the command does. */
async function dockerSync(containers: DockerContainer[]): Promise<boolean> {
  return store.locked(async () => {
    const p = await planDockerSync(store, deps, containers);
    await applyDockerSync(deps, p);
    return p.changed;
  });
}

describe('docker sync owns the netctl:docker: rules only', () => {
  it('with nothing wanted, takes out every netctl:docker: entry and nothing else, byte for byte', async () => {
    expect(await dockerSync([])).toBe(true);
    for (const f of [4, 6] as const) {
      expect(files.text(PATH[f]), `IPv${f}`).toBe(without(USER[f], 'netctl:docker:'));
      expect(comments(files.text(PATH[f])!).some((c) => c.startsWith('netctl:docker:'))).toBe(false);
    }
    expect(comments(files.text(PATH[4])!)).toEqual([
      '',
      'my proxy',
      'netctl-ish but mine',
      'netctl:web 80/tcp net=front',
    ]);
    expect(comments(files.text(PATH[6])!)).toEqual(['', 'my v6 proxy']);
  });

  it('keeps a still wanted entry where it is, drops the stale one, appends the new one', async () => {
    store.dockerAllows.add({ container: 'web', port: 80, proto: null, from: null, network: null });
    expect(await dockerSync([web()])).toBe(true);
    const v4 = files.text(PATH[4])!;
    expect(comments(v4)).toEqual([
      '',
      'my proxy',
      'netctl-ish but mine',
      'netctl:web 80/tcp net=front',
      'netctl:docker:web 80/tcp',
    ]);
    // The one that stays is the line ufw wrote, untouched.
    expect(v4).toBe(without(USER[4], 'netctl:docker:old'));
    const v6 = files.text(PATH[6])!;
    expect(comments(v6)).toEqual(['', 'my v6 proxy', 'netctl:docker:web 80/tcp']);
    expect(entries(v6).slice(0, 2)).toEqual(entries(without(USER[6], 'netctl:docker:')));
    expect(entries(v6)[2]!.lines).toEqual([
      `### tuple ### route:allow tcp 80 fd00:d0c::2 any ::/0 in comment=${hex('netctl:docker:web 80/tcp')}`,
      '-A ufw6-user-forward -p tcp -d fd00:d0c::2 --dport 80 -j ACCEPT',
    ]);
    // Everything around the rules section too.
    expect(v6.slice(0, v6.indexOf('### RULES ###'))).toBe(USER[6].slice(0, USER[6].indexOf('### RULES ###')));
    expect(v6.slice(v6.indexOf('### END RULES ###'))).toBe(USER[6].slice(USER[6].indexOf('### END RULES ###')));
    // A second sync has nothing to do.
    expect(await dockerSync([web()])).toBe(false);
  });

  it("leaves a wanted entry in its place among the user's, byte for byte", async () => {
    store.dockerAllows.add({ container: 'old', port: 80, proto: null, from: null, network: null });
    const old = web({
      id: 'c2',
      name: 'old',
      addresses: [{ network: 'v6net', ipv4: '172.18.0.7', ipv6: 'fd00:d0c::7' }],
    });
    await dockerSync([old]);
    // In user6.rules it comes before the user's "my v6 proxy", and stays there: the file is as it was.
    expect(files.text(PATH[6])).toBe(USER[6]);
    expect(runner.of('ip6tables-restore')).toEqual([]);
    expect(files.text(PATH[4])).toBe(without(USER[4], 'netctl:docker:web'));
  });

  it("reloads the live forward chain with the user's rules in it, not only netctl's", async () => {
    store.dockerAllows.add({ container: 'web', port: 80, proto: null, from: '2001:db8:2::/64', network: null });
    await dockerSync([web()]);
    const v6 = runner.of('ip6tables-restore').map((c) => c.input);
    expect(v6).toHaveLength(1);
    expect(v6[0]).toBe(
      [
        '*filter',
        ':ufw6-user-forward - [0:0]',
        '-A ufw6-user-forward -p tcp -d fd00:9::5 --dport 443 -s 2001:db8:2::/64 -j ACCEPT',
        '-A ufw6-user-forward -p tcp -d fd00:d0c::2 --dport 80 -s 2001:db8:2::/64 -j ACCEPT',
        'COMMIT',
        '',
      ].join('\n'),
    );
    // The IPv4 file lost only the stale Docker entries: its chain has the user's and netctl's own rules.
    const v4 = runner.of('iptables-restore').map((c) => c.input);
    expect(v4).toHaveLength(1);
    expect(v4[0]).toContain('-A ufw-user-forward -p tcp -d 10.9.0.5 --dport 443 -j ACCEPT');
    expect(v4[0]).toContain('-A ufw-user-forward -p tcp -d 172.18.0.9 --dport 8443 -s 198.51.100.0/24 -j ACCEPT');
    expect(v4[0]).toContain('-A ufw-user-forward -p tcp -d 10.1.0.2 --dport 80 -j ACCEPT');
    expect(v4[0]).not.toContain('172.18.0.7');
  });

  it('a label rule is owned the same way: it goes when the container does', async () => {
    await dockerSync([web({ labels: { 'netctl.allow': '80/tcp' } })]);
    expect(comments(files.text(PATH[4])!).filter((c) => c.startsWith('netctl:docker:'))).toEqual([
      'netctl:docker:web 80/tcp',
    ]);
    await dockerSync([]);
    expect(files.text(PATH[4])).toBe(without(USER[4], 'netctl:docker:'));
  });

  it('a bad label changes nothing it does not own and opens nothing', async () => {
    const p = await planDockerSync(store, deps, [web({ labels: { 'netctl.allow': '80', 'netctl.allow.from': '' } })]);
    expect(p.errors).toHaveLength(1);
    expect(p.desired).toEqual([]);
  });
});

describe("netctl's own sync leaves Docker's rules alone", () => {
  it("takes out only netctl's own container rules", async () => {
    const p = await planRoutes(deps, [], 'netctl');
    await applyRoutes(deps, p);
    expect(files.text(PATH[4])).toBe(without(USER[4], 'netctl:web '));
    expect(comments(files.text(PATH[4])!)).toEqual([
      '',
      'my proxy',
      'netctl-ish but mine',
      'netctl:docker:old 80/tcp',
      'netctl:docker:web 80/tcp',
    ]);
    // user6.rules has no rule of netctl's own: not even rewritten.
    expect(files.text(PATH[6])).toBe(USER[6]);
    expect(runner.of('ip6tables-restore')).toEqual([]);
  });
});
