/**
 * The one allow policy, proven by one table run against its three consumers: `netctl allow`
 * on netctl's own container (ops/allow.ts over a real state database, ufw's files in memory),
 * on a Docker container (a fake Engine API), and a compose service's `x-netctl.allow`
 * (loadProject on a file). Each row gives the same accepted rules, or the same error line,
 * in each. A second table does the same for the `netctl.allow` labels on a Docker container
 * and on a compose service.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { makeHost, type Host } from '../../src/ops/host.js';
import { allowOrDeny, dockerAllowOrDeny } from '../../src/ops/allow.js';
import type { Engine } from '../../src/engine/context.js';
import type { DockerApi } from '../../src/docker/client.js';
import type { DockerInspect } from '../../src/docker/model.js';
import { labelRules, refuseBadLabels } from '../../src/docker/routes.js';
import { fromInspect } from '../../src/docker/model.js';
import { loadProject } from '../../src/compose/load.js';
import type { AllowRule } from '../../src/model/allow.js';
import { fakeHost } from './ufw/fakes.js';

/** A rule as the table writes it: `80/tcp from 203.0.113.0/24`, `53 from anywhere`. */
const show = (r: AllowRule): string => `${r.port ?? 'all'}${r.proto ? `/${r.proto}` : ''} from ${r.from ?? 'anywhere'}`;

/** What a consumer did with a row: the rules, or the first line of its error. */
type Got = { rules: string[] } | { error: string };

interface Row {
  what: string;
  ports: string[];
  from?: string[];
  want: { rules: string[] } | { error: string };
}

// The container publishes 80/tcp and 53/udp, over IPv4 and IPv6, and nothing else.
const TABLE: Row[] = [
  { what: 'a port', ports: ['80'], want: { rules: ['80 from anywhere'] } },
  { what: 'a port and tcp', ports: ['80/tcp'], want: { rules: ['80/tcp from anywhere'] } },
  { what: 'a port and udp', ports: ['53/udp'], want: { rules: ['53/udp from anywhere'] } },
  {
    what: 'several ports, once each',
    ports: ['80', '53/udp', '80'],
    want: { rules: ['80 from anywhere', '53/udp from anywhere'] },
  },
  {
    what: 'sources, canonical, both families, once each',
    ports: ['80/tcp'],
    from: ['203.0.113.7/24', '2001:DB8::1', '203.0.113.0/24', '198.51.100.7/32'],
    want: {
      rules: ['80/tcp from 203.0.113.0/24', '80/tcp from 2001:db8::1', '80/tcp from 198.51.100.7'],
    },
  },
  {
    what: 'a range',
    ports: ['80-90'],
    want: { error: 'invalid port "80-90": expected PORT or PORT/tcp or PORT/udp' },
  },
  {
    what: 'sctp',
    ports: ['80/sctp'],
    want: { error: 'invalid port "80/sctp": ufw route rules match tcp or udp, not sctp' },
  },
  {
    what: 'another protocol',
    ports: ['80/icmp'],
    want: { error: 'invalid port "80/icmp": ufw route rules match tcp or udp' },
  },
  { what: 'a name', ports: ['http'], want: { error: 'invalid port "http": expected PORT or PORT/tcp or PORT/udp' } },
  { what: 'port 0', ports: ['0'], want: { error: 'invalid port "0": must be 1 to 65535' } },
  { what: 'a port too high', ports: ['70000'], want: { error: 'invalid port "70000": must be 1 to 65535' } },
  { what: 'one bad port of several', ports: ['80', 'x'], want: { error: 'invalid port "x"' } },
  { what: 'a bad prefix', ports: ['80'], from: ['203.0.113.0/33'], want: { error: '"203.0.113.0/33"' } },
  { what: 'a host name', ports: ['80'], from: ['example.com'], want: { error: '"example.com"' } },
  {
    what: 'an empty source (an unset variable)',
    ports: ['80'],
    from: [''],
    want: { error: 'source is empty: nothing opened (leave it out to open to anywhere)' },
  },
  { what: 'an unpublished port', ports: ['81'], want: { error: 'published port "web port 81" not found' } },
  {
    what: 'a published port over another protocol',
    ports: ['80/udp'],
    want: { error: 'published port "web port 80/udp" not found' },
  },
  {
    what: 'one unpublished port of several',
    ports: ['80', '53/udp', '82'],
    want: { error: 'published port "web port 82" not found' },
  },
];

const read = (name: string): string => readFileSync(new URL(`../fixtures/ufw/${name}`, import.meta.url), 'latin1');

let store: Store;
let host: Host;

/** Docker's inspect document of `web`, with `labels`. */
function inspectDoc(labels: Record<string, string> = {}): DockerInspect {
  const bind = [{ HostIp: '0.0.0.0', HostPort: '8080' }];
  return {
    Id: 'c0ffee',
    Name: '/web',
    State: { Running: true },
    Config: { Labels: labels },
    NetworkSettings: {
      Ports: { '80/tcp': bind, '53/udp': bind, '81/tcp': null },
      Networks: { front: { IPAddress: '172.18.0.2', GlobalIPv6Address: 'fd00:d0c::2' } },
    },
  };
}

const dockerApi: DockerApi = {
  socket: '/fake/docker.sock',
  async get<T>(path: string): Promise<T | undefined> {
    if (path === '/containers/json') return [{ Id: 'c0ffee' }] as T;
    if (path === '/containers/web/json' || path === '/containers/c0ffee/json') return inspectDoc() as T;
    return undefined;
  },
  events: async () => undefined,
};

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-allow-policy-'));
  store = Store.open({ root });
  const { files, deps } = fakeHost();
  files.put('/etc/ufw/user.rules', read('user.rules.docker'));
  files.put('/etc/ufw/user6.rules', read('user6.rules.docker'));
  const paths = { root, runRoot: join(root, 'run') };
  host = makeHost(paths, {
    ufw: deps,
    store: () => store,
    engine: async (p, s, ufw) => ({ store: s, ufw, roots: p, close: () => undefined }) as unknown as Engine,
  });
  const net = store.networks.create({ name: 'front', subnet: '10.1.0.0/24', subnet6: 'fd00:1::/64' });
  const c = store.containers.create({ name: 'web', image: 'img' });
  store.endpoints.add({
    containerId: c.id,
    networkId: net.id,
    ifname: 'eth0',
    address: '10.1.0.2',
    address6: 'fd00:1::2',
    aliases: [],
  });
  store.ports.reserve(c.id, [
    { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
    { hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
    { hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, proto: 'udp' },
    { hostIp: '::', hostPort: 5353, containerPort: 53, proto: 'udp' },
  ]);
});
afterAll(() => host.close());

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

async function attempt(fn: () => Promise<AllowRule[]> | AllowRule[]): Promise<Got> {
  try {
    return { rules: (await fn()).map(show) };
  } catch (err) {
    return { error: firstLine(err) };
  }
}

/** The compose file of service `web` (container `web`) publishing what the container does. */
function composeFile(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-allow-policy-compose-'));
  mkdirSync(join(dir, 'p'));
  writeFileSync(
    join(dir, 'p', 'compose.yaml'),
    [
      'services:',
      '  web:',
      '    image: busybox',
      '    container_name: web',
      '    ports: ["8080:80/tcp", "5353:53/udp"]',
      ...lines,
      '',
    ].join('\n'),
  );
  return join(dir, 'p');
}

const loadAllows = (dir: string): AllowRule[] => loadProject({ cwd: dir, env: {} }).services[0]!.allow;

/** The three consumers of a request. */
const CONSUMERS: Record<string, (row: Row) => Promise<Got>> = {
  'netctl container': (row) =>
    attempt(
      async () =>
        (await allowOrDeny(host, { name: 'web', ports: row.ports, from: row.from ?? [] }, false, { dryRun: true }))
          .result.rules,
    ),
  'Docker container': (row) =>
    attempt(
      async () =>
        (
          await dockerAllowOrDeny(host, { name: 'web', ports: row.ports, from: row.from ?? [] }, false, {
            dryRun: true,
            api: dockerApi,
          })
        ).result.rules,
    ),
  'compose service': (row) => {
    const items = row.ports.map((p) => JSON.stringify(row.from ? { port: p, from: row.from } : p));
    return attempt(() => loadAllows(composeFile(['    x-netctl:', `      allow: [${items.join(', ')}]`])));
  },
};

function expectRow(got: Got, want: Row['want'], label: string): void {
  if ('rules' in want) expect(got, label).toEqual(want);
  else {
    expect('error' in got ? got.error : `accepted ${JSON.stringify(got)}`, label).toContain(want.error);
  }
}

describe('one allow policy, three consumers', () => {
  for (const row of TABLE) {
    it(`${row.what}: ${row.ports.join(' ')}${row.from ? ` from ${row.from.join(',')}` : ''}`, async () => {
      for (const [name, consumer] of Object.entries(CONSUMERS)) expectRow(await consumer(row), row.want, name);
    });
  }

  it('a dry run plans the user rules diffs with the shared plan type and changes nothing', async () => {
    const before = store.allows.list();
    const out = await allowOrDeny(host, { name: 'web', ports: ['53/udp'], from: [] }, false, { dryRun: true });
    expect(out.applied).toBe(false);
    const files = out.plan.files?.join('') ?? '';
    expect(files).toContain('+++ /etc/ufw/user.rules\n');
    expect(files).toContain('+### tuple ### route:allow udp 53 10.1.0.2 any 0.0.0.0/0 in comment=');
    expect(files).toContain('+### tuple ### route:allow udp 53 fd00:1::2 any ::/0 in comment=');
    // ufw runs (in the fake): the forward chains it would load, as iptables-restore text.
    expect(out.plan.rules).toMatch(/-A ufw-user-forward .*-d 10\.1\.0\.2.*--dport 53/);
    expect(out.plan.rules).toMatch(/-A ufw6-user-forward .*-d fd00:1::2.*--dport 53/);
    expect(store.allows.list()).toEqual(before);
  });
});

interface LabelRow {
  what: string;
  labels: Record<string, string>;
  want: { rules: string[] } | { error: string };
}

const LABELS: LabelRow[] = [
  {
    what: 'ports',
    labels: { 'netctl.allow': ' 80/tcp , ,53/udp ' },
    want: { rules: ['80/tcp from anywhere', '53/udp from anywhere'] },
  },
  {
    what: 'ports from sources',
    labels: { 'netctl.allow': '80', 'netctl.allow.from': '203.0.113.7/24, 2001:DB8::1,203.0.113.0/24' },
    want: { rules: ['80 from 203.0.113.0/24', '80 from 2001:db8::1'] },
  },
  { what: 'no allow label', labels: { 'com.example': 'x' }, want: { rules: [] } },
  { what: 'an empty allow label', labels: { 'netctl.allow': '' }, want: { rules: [] } },
  {
    what: 'a bad port',
    labels: { 'netctl.allow': '80,x' },
    want: { error: 'label netctl.allow: invalid port "x": expected PORT or PORT/tcp or PORT/udp' },
  },
  {
    what: 'a range',
    labels: { 'netctl.allow': '80-90' },
    want: { error: 'label netctl.allow: invalid port "80-90"' },
  },
  {
    what: 'sctp',
    labels: { 'netctl.allow': '80/sctp' },
    want: { error: 'label netctl.allow: invalid port "80/sctp": ufw route rules match tcp or udp, not sctp' },
  },
  {
    what: 'a bad source',
    labels: { 'netctl.allow': '80', 'netctl.allow.from': '203.0.113.0/33,2001:db8::/32' },
    want: { error: 'label netctl.allow.from: ' },
  },
  {
    what: 'an empty source list (an unset variable)',
    labels: { 'netctl.allow': '80', 'netctl.allow.from': ' , ' },
    want: { error: 'label netctl.allow.from is empty: nothing opened (leave it out to open to anywhere)' },
  },
  {
    what: 'sources without ports',
    labels: { 'netctl.allow.from': '203.0.113.0/24' },
    want: { error: 'label netctl.allow.from without netctl.allow: nothing opened' },
  },
];

const LABEL_CONSUMERS: Record<string, (labels: Record<string, string>) => Promise<Got>> = {
  'Docker container': async (labels) => {
    const r = labelRules(fromInspect(inspectDoc(labels)));
    return r.errors.length > 0 ? { error: r.errors[0]! } : { rules: r.rules.map(show) };
  },
  'compose service': (labels) => attempt(() => loadAllows(composeFile([`    labels: ${JSON.stringify(labels)}`]))),
};

describe('one label parser, two consumers', () => {
  for (const row of LABELS) {
    it(`${row.what}: ${JSON.stringify(row.labels)}`, async () => {
      for (const [name, consumer] of Object.entries(LABEL_CONSUMERS)) {
        const got = await consumer(row.labels);
        expectRow(got, row.want, name);
        if ('error' in got) expect(got.error, name).not.toContain('\n');
      }
    });
  }

  it('on a Docker container, a refused label names the container, and the first bad value only', () => {
    expect(labelRules(fromInspect(inspectDoc({ 'netctl.allow': 'x,y' }))).errors).toEqual([
      'container "web": label netctl.allow: invalid port "x": expected PORT or PORT/tcp or PORT/udp',
    ]);
  });

  it('docker sync refuses a bad label, naming the container, label and value, in one line (exit code 2)', () => {
    const good = { name: 'ok', labels: { 'netctl.allow': '80' } };
    const bad = { name: 'web', labels: { 'netctl.allow': '80', 'netctl.allow.from': '' } };
    expect(() => refuseBadLabels([good])).not.toThrow();
    expect(() => refuseBadLabels([good, bad])).toThrow(
      /^container "web": label netctl\.allow\.from is empty: nothing opened \(leave it out to open to anywhere\)$/,
    );
    try {
      refuseBadLabels([bad]);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
