import { describe, expect, it } from 'vitest';
import { serviceRequest } from '../../../src/compose/request.js';
import { renderProject } from '../../../src/compose/render.js';
import { fakeImage, loadYaml, refusedYaml } from './fixture.js';
import { durationSeconds } from '../../../src/compose/model-limits.js';
import { capabilityMask } from '../../../src/model/process-options.js';

const load = loadYaml;
const refused = refusedYaml;
const IMAGE = fakeImage();

describe('compose limits and process options', () => {
  it('takes the keys as Docker Compose does, into the run request', () => {
    const p = load(`services:
  db:
    image: busybox
    user: nobody:nogroup
    mem_limit: 256m
    cpus: 0.5
    pids_limit: 100
    shm_size: 128m
    ulimits:
      nproc: 65535
      nofile: { soft: 20000, hard: 40000 }
    sysctls:
      net.core.somaxconn: 1024
    cap_add: [NET_ADMIN]
    cap_drop: [NET_RAW]
    security_opt: [no-new-privileges:true]
    init: true
    read_only: true
    group_add: [mail]
    stop_signal: SIGQUIT
    stop_grace_period: 1m30s
    restart: on-failure:3
  web:
    image: busybox
    deploy:
      resources:
        limits: { cpus: '1.5', memory: 1g, pids: 50 }
        reservations: { memory: 512m, cpus: '0.25' }
`);
    const db = p.services.find((s) => s.name === 'db')!;
    const req = serviceRequest(p, db, IMAGE, {}).run;
    expect(req.resources).toEqual({ memory: 256 << 20, cpus: 0.5, pidsLimit: 100 });
    expect(req.launch.proc).toEqual({
      caps: capabilityMask(['NET_ADMIN'], ['NET_RAW']),
      noNewPrivs: true,
      sysctls: ['net.core.somaxconn=1024'],
      rlimits: ['nproc=65535:65535', 'nofile=20000:40000'],
      init: true,
      readOnly: true,
      shmSize: 128 << 20,
      groupAdd: ['mail'],
      stopSignal: 3,
      user: 'nobody:nogroup',
    });
    expect(req.launch.restart).toBe('on-failure');
    expect(req.launch.restartMax).toBe(3);
    expect(req.options?.stopTimeout).toBe(90);
    const web = serviceRequest(p, p.services.find((s) => s.name === 'web')!, IMAGE, {}).run;
    expect(web.resources).toEqual({ cpus: 1.5, memory: 1 << 30, pidsLimit: 50, memoryReservation: 512 << 20 });
    expect(p.warnings.join('\n')).toMatch(/cpus.*not enforced/);
    const rendered = renderProject(p) as { services: Record<string, Record<string, unknown>> };
    expect(rendered.services.db).toMatchObject({
      mem_limit: 256 << 20,
      user: 'nobody:nogroup',
      restart: 'on-failure:3',
    });
    expect(rendered.services.db!.stop_grace_period).toBe('90s');
  });

  it('refuses bad values at their file and line', () => {
    expect(refused('services:\n  a:\n    image: busybox\n    mem_limit: lots\n')).toMatch(
      /compose\.yaml:4: services\.a\.mem_limit: invalid mem_limit "lots"/,
    );
    expect(refused('services:\n  a:\n    image: busybox\n    sysctls:\n      kernel.pid_max: 10\n')).toMatch(
      /compose\.yaml:5.*not namespaced/,
    );
    expect(refused('services:\n  a:\n    image: busybox\n    deploy:\n      mode: global\n')).toMatch(
      /compose\.yaml:5.*deploy mode "global" is a swarm's/,
    );
    expect(refused('services:\n  a:\n    image: busybox\n    cap_add: [NOPE]\n')).toMatch(/compose\.yaml:4.*NOPE/);
    expect(refused('services:\n  a:\n    image: busybox\n    stop_grace_period: soon\n')).toMatch(/compose\.yaml:4/);
  });

  it('reads durations', () => {
    expect(durationSeconds('10s')).toBe(10);
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('500ms')).toBe(1);
    expect(durationSeconds('20')).toBe(20);
    expect(() => durationSeconds('1x')).toThrow('duration');
  });
});
