import { describe, expect, it } from 'vitest';
import { serviceRequest } from '../../../src/compose/request.js';
import { renderProject } from '../../../src/compose/render.js';
import { fakeImage, loadYaml, refusedYaml } from './fixture.js';
import { restartDependents } from '../../../src/compose/restart-deps.js';

const load = loadYaml;
const refused = refusedYaml;
const IMAGE = fakeImage({ healthcheck: { Test: ['CMD', 'img-check'], Retries: 7 } });
const S = 1e9;

describe('compose healthcheck and depends_on conditions', () => {
  it('takes healthcheck as Docker Compose does, over the image HEALTHCHECK', () => {
    const p = load(`services:
  db:
    image: busybox
    healthcheck:
      test: pg_isready
      interval: 1m30s
      timeout: 5s
      start_period: 10s
      start_interval: 1s
  web:
    image: busybox
    healthcheck: {test: [CMD, curl, -f, x], retries: 2}
    depends_on:
      db: {condition: service_healthy, restart: true}
      init: {condition: service_completed_successfully, required: false}
  init:
    image: busybox
    healthcheck: {disable: true}
`);
    const db = p.services.find((s) => s.name === 'db')!;
    expect(db.healthcheck).toEqual({
      Test: ['CMD-SHELL', 'pg_isready'],
      Interval: 90 * S,
      Timeout: 5 * S,
      StartPeriod: 10 * S,
      StartInterval: S,
    });
    const web = p.services.find((s) => s.name === 'web')!;
    expect(web.waitFor).toEqual([
      { service: 'db', condition: 'service_healthy', required: true, restart: true },
      { service: 'init', condition: 'service_completed_successfully', required: false, restart: false },
    ]);
    expect(serviceRequest(p, db, IMAGE, {}).run.health).toEqual({ ...db.healthcheck, Retries: 7 });
    const init = p.services.find((s) => s.name === 'init')!;
    expect(serviceRequest(p, init, IMAGE, {}).run.health).toMatchObject({ Test: ['NONE'] });
    const r = renderProject(p) as { services: Record<string, Record<string, unknown>> };
    expect(r.services.db!.healthcheck).toEqual({
      test: ['CMD-SHELL', 'pg_isready'],
      interval: '1m30s',
      timeout: '5s',
      start_period: '10s',
      start_interval: '1s',
    });
    expect(r.services.web!.depends_on).toEqual({
      db: { condition: 'service_healthy', restart: true },
      init: { condition: 'service_completed_successfully', required: false },
    });
  });
  it('refuses bad values at their line', () => {
    expect(refused('services:\n  a:\n    image: busybox\n    healthcheck: {test: [SHELL, x]}\n')).toMatch(
      /compose\.yaml:4: services\.a\.healthcheck\.test: test "SHELL": a list starts with NONE, CMD or CMD-SHELL/,
    );
    expect(refused('services:\n  a:\n    image: busybox\n    healthcheck:\n      interval: 10 s\n')).toMatch(
      /compose\.yaml:5: .*interval.*"10 s"/,
    );
    expect(
      refused(
        'services:\n  a:\n    image: busybox\n    depends_on: {b: {condition: service_ready}}\n  b: {image: busybox}\n',
      ),
    ).toMatch(/compose\.yaml:4: services\.a\.depends_on\.b\.condition: condition "service_ready" is not one of/);
    expect(refused('services:\n  a:\n    image: busybox\n    healthcheck: {timeout: 1s, bogus: 1}\n')).toMatch(/bogus/);
  });

  it('restart of a service takes along, transitively, the services that depend on it with restart: true', () => {
    const p = load(`services:
  db: {image: busybox}
  cache: {image: busybox}
  api:
    image: busybox
    depends_on: {db: {condition: service_started, restart: true}, cache: {condition: service_started}}
  web:
    image: busybox
    depends_on: {api: {condition: service_started, restart: true}}
  worker:
    image: busybox
    depends_on: [db]
`);
    expect(restartDependents(p, ['db'])).toEqual(['db', 'api', 'web']);
    expect(restartDependents(p, ['cache'])).toEqual(['cache']);
    expect(restartDependents(p, ['web'])).toEqual(['web']);
  });
});
