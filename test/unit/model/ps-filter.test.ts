import { describe, expect, it } from 'vitest';
import { matchesPsFilters, parsePsFilters, wantsStopped } from '../../../src/model/ps-filter.js';

const web = {
  id: 'abcdef0123456789',
  name: 'web-1',
  image: 'nginx:1.25',
  imageId: 'sha256:feedbeef00',
  status: 'running',
  labels: { app: 'web', tier: 'front' },
  networks: ['front', 'bridge'],
};
const m = (...specs: string[]): boolean => matchesPsFilters(web, parsePsFilters(specs));

describe('ps filters', () => {
  it('matches each key as Docker does', () => {
    expect(m('id=abcd')).toBe(true);
    expect(m('id=bcd')).toBe(false);
    expect(m('name=web')).toBe(true);
    expect(m('name=db')).toBe(false);
    expect(m('status=running')).toBe(true);
    expect(m('status=exited')).toBe(false);
    expect(m('label=app')).toBe(true);
    expect(m('label=app=web')).toBe(true);
    expect(m('label=app=db')).toBe(false);
    expect(m('network=front')).toBe(true);
    expect(m('network=back')).toBe(false);
    expect(m('ancestor=nginx')).toBe(true);
    expect(m('ancestor=nginx:1.25')).toBe(true);
    expect(m('ancestor=nginx:1.24')).toBe(false);
    expect(m('ancestor=feedbeef')).toBe(true);
  });
  it('ORs one key, ANDs different keys, ANDs labels', () => {
    expect(m('name=db', 'name=web')).toBe(true);
    expect(m('name=web', 'status=exited')).toBe(false);
    expect(m('label=app', 'label=nope')).toBe(false);
  });
  it('refuses a bad filter in one line', () => {
    expect(() => parsePsFilters(['colour=red'])).toThrow(/invalid filter "colour=red"/);
    expect(() => parsePsFilters(['name'])).toThrow(/expected KEY=VALUE/);
    expect(() => parsePsFilters(['status=sleeping'])).toThrow(/status is one of/);
  });
  it('knows when stopped containers are asked for', () => {
    expect(wantsStopped(parsePsFilters(['status=exited']))).toBe(true);
    expect(wantsStopped(parsePsFilters(['status=paused']))).toBe(false);
  });
});
