import { describe, expect, it } from 'vitest';
import { planDown, planUp, type Desired, type Existing } from '../../../src/compose/plan.js';

const rule = (container: string, port: number) => ({
  container,
  port,
  proto: 'tcp' as const,
  from: null,
  network: null,
});
const desired: Desired = {
  services: [
    { service: 'db', container: 'p-db-1', hash: 'd1', dependsOn: [], networks: ['p_back'], allow: [] },
    {
      service: 'web',
      container: 'p-web-1',
      hash: 'w1',
      dependsOn: ['db'],
      networks: ['p_front', 'p_back'],
      allow: [rule('p-web-1', 80)],
    },
    { service: 'tool', container: 'p-tool-1', hash: 't1', dependsOn: [], networks: ['p_front'], allow: [] },
  ],
  networks: [
    { name: 'p_front', hash: 'f1', external: false },
    { name: 'p_back', hash: 'b1', external: false },
  ],
};
const running = (service: string, hash: string, networks: string[]): Existing['containers'][number] => ({
  container: `p-${service}-1`,
  service,
  hash,
  running: true,
  networks,
});
const upToDate: Existing = {
  containers: [
    running('db', 'd1', ['p_back']),
    running('web', 'w1', ['p_front', 'p_back']),
    running('tool', 't1', ['p_front']),
  ],
  networks: [
    { name: 'p_front', hash: 'f1' },
    { name: 'p_back', hash: 'b1' },
  ],
  allows: new Map([['p-web-1', [rule('p-web-1', 80)]]]),
};
const what = (plan: ReturnType<typeof planUp>): string[] =>
  plan.map((a) => `${a.do} ${'container' in a ? a.container : a.network}`);

describe('planning up and down', () => {
  it('creates networks first and services in dependency order, then their allow rules', () => {
    const plan = planUp(desired, { containers: [], networks: [], allows: new Map() });
    expect(what(plan)).toEqual([
      'create-network p_front',
      'create-network p_back',
      'run p-db-1',
      'run p-web-1',
      'allow p-web-1',
      'run p-tool-1',
    ]);
  });
  it('plans nothing when everything is as the files say', () => {
    expect(planUp(desired, upToDate).map((a) => a.do)).toEqual(['keep', 'keep', 'keep']);
  });
  it('recreates a changed service and its dependents only, removing dependents first', () => {
    const e = { ...upToDate, containers: [running('db', 'OLD', ['p_back']), ...upToDate.containers.slice(1)] };
    const plan = planUp(desired, e);
    expect(what(plan)).toEqual([
      'remove-container p-web-1',
      'remove-container p-db-1',
      'run p-db-1',
      'run p-web-1',
      'allow p-web-1',
      'keep p-tool-1',
    ]);
    expect(plan.find((a) => a.do === 'run' && a.service === 'web')).toMatchObject({ why: 'depends on recreated db' });
  });
  it('recreates a changed network with every service on it', () => {
    const e = {
      ...upToDate,
      networks: [
        { name: 'p_front', hash: 'OLD' },
        { name: 'p_back', hash: 'b1' },
      ],
    };
    expect(what(planUp(desired, e))).toEqual([
      'remove-container p-tool-1',
      'remove-container p-web-1',
      'remove-network p_front',
      'create-network p_front',
      'keep p-db-1',
      'run p-web-1',
      'allow p-web-1',
      'run p-tool-1',
    ]);
  });
  it('changes allow rules in place, starts a stopped container, and leaves orphans unless asked', () => {
    const e: Existing = {
      ...upToDate,
      containers: [
        ...upToDate.containers.slice(0, 2),
        { ...running('tool', 't1', ['p_front']), running: false },
        running('old', 'x', ['p_front']),
      ],
      allows: new Map([['p-web-1', [rule('p-web-1', 81)]]]),
    };
    const plan = planUp(desired, e);
    expect(what(plan)).toEqual(['orphan p-old-1', 'keep p-db-1', 'keep p-web-1', 'allow p-web-1', 'start p-tool-1']);
    expect(plan[3]).toMatchObject({ add: [rule('p-web-1', 80)], remove: [rule('p-web-1', 81)] });
    expect(what(planUp(desired, e, { removeOrphans: true }))[0]).toBe('remove-container p-old-1');
  });
  it('up SERVICE takes what it depends on and nothing else', () => {
    expect(
      what(planUp(desired, { containers: [], networks: [], allows: new Map() }, { services: ['web'] })).filter((x) =>
        x.startsWith('run'),
      ),
    ).toEqual(['run p-db-1', 'run p-web-1']);
  });
  it('down removes the containers last-made first, then the networks', () => {
    expect(what(planDown(upToDate))).toEqual([
      'remove-container p-tool-1',
      'remove-container p-web-1',
      'remove-container p-db-1',
      'remove-network p_back',
      'remove-network p_front',
    ]);
  });
});
