import { describe, expect, it } from 'vitest';
import { planUp, type Desired, type Existing } from '../../../src/compose/plan.js';

const svc = (service: string, dependsOn: string[]) => ({
  service,
  container: `p-${service}-1`,
  hash: `${service}1`,
  dependsOn,
  networks: ['p_default'],
  allow: [],
});
const desired: Desired = {
  services: [svc('db', []), svc('web', ['db'])],
  networks: [{ name: 'p_default', hash: 'n1', external: false }],
};
const running = (service: string): Existing['containers'][number] => ({
  container: `p-${service}-1`,
  service,
  hash: `${service}1`,
  running: true,
  networks: ['p_default'],
});
const upToDate: Existing = {
  containers: [running('db'), running('web')],
  networks: [{ name: 'p_default', hash: 'n1' }],
  allows: new Map(),
};
const what = (plan: ReturnType<typeof planUp>): string[] =>
  plan.map((a) => `${a.do} ${'container' in a ? a.container : a.network}`);

describe('up --force-recreate and --no-deps', () => {
  it('recreates up-to-date containers when forced', () => {
    expect(what(planUp(desired, upToDate, { forceRecreate: true }))).toEqual([
      'remove-container p-web-1',
      'remove-container p-db-1',
      'run p-db-1',
      'run p-web-1',
    ]);
  });
  it('leaves the dependencies alone with --no-deps', () => {
    expect(what(planUp(desired, upToDate, { services: ['web'], forceRecreate: true, noDeps: true }))).toEqual([
      'remove-container p-web-1',
      'run p-web-1',
    ]);
    expect(what(planUp(desired, upToDate, { services: ['web'], forceRecreate: true }))).toHaveLength(4);
  });
});
