import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/compose/load.js';
import { serviceRequest } from '../../../src/compose/request.js';
import { renderProject } from '../../../src/compose/render.js';
import { planDown } from '../../../src/compose/plan.js';
import type { ImageRecord } from '../../../src/runtime/image-config.js';

const dirs: string[] = [];
function project(text: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'netctl-compose-vol-')), 'app');
  dirs.push(join(dir, '..'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'compose.yaml'), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const load = (dir: string) => loadProject({ cwd: dir, env: {} });
const refused = (text: string): string => {
  try {
    load(project(text));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('not refused');
};

const FILE = `services:
  db:
    image: postgres
    volumes:
      - dbdata:/var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d:ro,Z
      - /tmp/anon
      - type: volume
        source: shared
        target: /shared
        volume: {nocopy: true}
      - type: tmpfs
        target: /run/pg
        tmpfs: {size: 64m}
    tmpfs: /cache
  backup:
    image: busybox
    volumes_from: ["db:ro", "container:other"]
volumes:
  dbdata:
    labels: {tier: data}
  shared:
    external: true
  fast:
    driver_opts: {type: tmpfs, o: size=100m}
`;

describe('compose volumes', () => {
  it('builds top-level volumes, short and long mounts, tmpfs and volumes_from', () => {
    const dir = project(FILE);
    const p = load(dir);
    expect(p.volumes).toEqual([
      { key: 'dbdata', name: 'app_dbdata', external: false, options: {}, labels: { tier: 'data' } },
      { key: 'shared', name: 'shared', external: true, options: {}, labels: {} },
      { key: 'fast', name: 'app_fast', external: false, options: { type: 'tmpfs', o: 'size=100m' }, labels: {} },
    ]);
    const db = p.services.find((s) => s.name === 'db')!;
    expect(db.volumes).toEqual([
      {
        type: 'volume',
        name: 'app_dbdata',
        key: 'dbdata',
        target: '/var/lib/postgresql/data',
        readOnly: false,
        noCopy: false,
      },
      { type: 'bind', source: join(dir, 'init'), target: '/docker-entrypoint-initdb.d', readOnly: true, create: true },
      { type: 'volume', target: '/tmp/anon', readOnly: false, noCopy: false },
      { type: 'volume', name: 'shared', key: 'shared', target: '/shared', readOnly: false, noCopy: true },
      { type: 'tmpfs', target: '/run/pg', readOnly: false, options: 'size=64m' },
      { type: 'tmpfs', target: '/cache', readOnly: false, options: '' },
    ]);
    expect(p.warnings).toEqual([expect.stringMatching(/compose\.yaml:6: .*:Z relabels nothing/)]);
    const backup = p.services.find((s) => s.name === 'backup')!;
    expect(backup.volumesFrom).toEqual([{ container: 'app-db-1', mode: 'ro' }, { container: 'other' }]);
    expect(backup.dependsOn).toEqual(['db']);
    expect(p.services.map((s) => s.name)).toEqual(['db', 'backup']);
  });

  it("turns them into run's mounts: project volumes made with their labels, external ones as they are", () => {
    const p = load(project(FILE));
    const image: ImageRecord = {
      id: 'a'.repeat(64),
      created: '',
      source: 'import',
      config: { env: [], exposedPorts: [], labels: {}, volumes: ['/var/lib/postgresql/data'] },
    };
    const db = p.services.find((s) => s.name === 'db')!;
    const req = serviceRequest(p, db, image, {}).run;
    expect(req.launch.binds).toEqual([]);
    expect(req.mounts!.imageVolumes).toEqual(['/var/lib/postgresql/data']);
    expect(req.mounts!.mounts[0]).toEqual({
      type: 'volume',
      name: 'app_dbdata',
      target: '/var/lib/postgresql/data',
      readOnly: false,
      noCopy: false,
      create: {
        options: {},
        labels: { tier: 'data', 'com.docker.compose.project': 'app', 'com.docker.compose.volume': 'dbdata' },
      },
    });
    expect(req.mounts!.mounts[3]).not.toHaveProperty('create');
    const out = renderProject(p) as { services: Record<string, { volumes?: unknown[]; tmpfs?: string[] }> };
    expect(out.services.db!.volumes![0]).toEqual({
      type: 'volume',
      target: '/var/lib/postgresql/data',
      source: 'dbdata',
    });
    expect(out.services.db!.tmpfs).toEqual(['/run/pg:size=64m', '/cache']);
  });

  it('refuses what compose refuses, naming file and line', () => {
    const cases: [string, RegExp][] = [
      [
        'services:\n  a:\n    image: x\n    volumes: ["data:/d"]\n',
        /:4: .*volume "data" is not defined under the top-level volumes/,
      ],
      [
        'services:\n  a:\n    image: x\nvolumes:\n  d:\n    driver: nfs\n',
        /:6: volumes\.d\.driver: volume driver "nfs"/,
      ],
      [
        'services:\n  a:\n    image: x\nvolumes:\n  d:\n    size: 1g\n',
        /:6: volumes\.d\.size: key "size" is not supported/,
      ],
      ['services:\n  a:\n    image: x\n    volumes: ["./x:rel"]\n', /:4: .*target "rel"/],
      ['services:\n  a:\n    image: x\n    volumes: ["./x:/y:shared"]\n', /:4: .*propagation "shared"/],
      [
        'services:\n  a:\n    image: x\n    volumes:\n      - type: volume\n        target: /d\n        volume: {subpath: x}\n',
        /:7: .*a subpath needs a named volume/,
      ],
      ['services:\n  a:\n    image: x\n    volumes_from: [nosuch]\n', /:4: .*"nosuch": expected SERVICE/],
      ['services:\n  a:\n    image: x\n    tmpfs: ["/t:weird"]\n', /:4: .*unknown tmpfs option "weird"/],
      ['services:\n  a:\n    image: x\n    volumes: ["/a:/d", "/b:/d"]\n', /two mounts at "\/d"/],
    ];
    for (const [text, want] of cases) expect(refused(text)).toMatch(want);
  });

  it('down -v removes the containers with their anonymous volumes, then the project volumes', () => {
    const e = {
      containers: [{ container: 'app-db-1', service: 'db', hash: 'h', running: true, networks: ['app_default'] }],
      networks: [{ name: 'app_default', hash: 'n' }],
      allows: new Map(),
      volumes: ['app_dbdata'],
    };
    expect(planDown(e).map((a) => a.do)).toEqual(['remove-container', 'remove-network']);
    expect(planDown(e, { volumes: true })).toEqual([
      { do: 'remove-container', container: 'app-db-1', service: 'db', why: 'down', volumes: true },
      { do: 'remove-network', network: 'app_default', why: 'down' },
      { do: 'remove-volume', volume: 'app_dbdata', why: 'down -v' },
    ]);
  });
});
