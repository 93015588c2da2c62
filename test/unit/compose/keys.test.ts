import { describe, expect, it } from 'vitest';
import { platformOf } from '../../../src/compose/model-extra.js';
import { renderProject } from '../../../src/compose/render.js';
import { loadFiles, refusedFiles } from './fixture.js';

const load = loadFiles;
const refused = refusedFiles;
const svc = (text: string) => `services:\n  web:\n    image: busybox\n${text}`;

describe('issue 25 compose keys', () => {
  it('mounts secrets and configs at their places, long syntax with target and octal mode', () => {
    const p = load(
      {
        'compose.yaml': `${svc('    secrets: [a, {source: b, target: b.txt, mode: 0440, uid: "7"}]\n    configs: [{source: c, target: /etc/c}]\n')}secrets:\n  a: {file: ./a.txt}\n  b: {environment: B}\nconfigs:\n  c: {content: "x"}\n`,
      },
      { env: { B: 'bee' } },
    );
    const files = p.services[0]!.files!;
    expect(files.map((f) => [f.target, f.mode, f.uid, f.content])).toEqual([
      ['/run/secrets/a', undefined, undefined, undefined],
      ['/run/secrets/b.txt', 0o440, 7, 'bee'],
      ['/etc/c', undefined, undefined, 'x'],
    ]);
    expect(files[0]!.file).toMatch(/\/a\.txt$/);
    // compose config shows where they go, never their text.
    const shown = JSON.stringify(renderProject(p));
    expect(shown).toContain('"secrets":[{"source":"a","target":"/run/secrets/a"},');
    expect(shown).toContain('"mode":"0440"');
    expect(shown).not.toContain('bee');
  });

  it('refuses external secrets, undefined ones and unset variables with file and line', () => {
    expect(refused({ 'compose.yaml': `${svc('    secrets: [a]\n')}secrets:\n  a: {external: true}\n` })).toMatch(
      /compose\.yaml:6: secrets\.a\.external: an external secret lives in a swarm's store/,
    );
    expect(refused({ 'compose.yaml': svc('    secrets: [nope]\n') })).toMatch(
      /compose\.yaml:4: services\.web\.secrets\[0\]: secret "nope" is not defined/,
    );
    expect(refused({ 'compose.yaml': `${svc('')}secrets:\n  a: {environment: UNSET}\n` })).toMatch(
      /compose\.yaml:5: secrets\.a\.environment: variable UNSET is not set/,
    );
  });

  it('enables profiles from --profile or COMPOSE_PROFILES', () => {
    const files = { 'compose.yaml': `${svc('')}  dbg:\n    image: busybox\n    profiles: [debug]\n` };
    expect(load(files).services.map((s) => s.name)).toEqual(['web']);
    expect(load(files, { profiles: ['debug'] }).services.map((s) => s.name)).toEqual(['web', 'dbg']);
    expect(load(files, { env: { COMPOSE_PROFILES: 'x,debug' } }).services.map((s) => s.name)).toEqual(['web', 'dbg']);
  });

  it('takes replicas from deploy, scale and --scale, and refuses them with a container_name', () => {
    expect(load({ 'compose.yaml': svc('    deploy: {replicas: 3}\n') }).services[0]!.replicas).toBe(3);
    expect(load({ 'compose.yaml': svc('    scale: 2\n') }, { scale: { web: 0 } }).services[0]!.replicas).toBe(0);
    expect(refused({ 'compose.yaml': svc('    scale: 2\n    container_name: x\n') })).toMatch(
      /compose\.yaml:5: services\.web\.container_name: a container_name names one container/,
    );
    expect(refused({ 'compose.yaml': svc('') }, { scale: { nope: 2 } })).toBe('--scale: no such service: "nope"');
  });

  it("accepts the host's platform and the logs netctl keeps, refuses the others at their line", () => {
    const host = platformOf(process.arch);
    expect(load({ 'compose.yaml': svc(`    platform: ${host}\n    logging: {driver: local}\n`) })).toBeTruthy();
    expect(refused({ 'compose.yaml': svc('    platform: wasi/wasm\n') })).toMatch(
      /compose\.yaml:4: services\.web\.platform: platform "wasi\/wasm" is not this host's/,
    );
    const build = (platforms: string) => svc(`    build: {context: ., platforms: ${platforms}}\n`);
    expect(load({ 'compose.yaml': build(`[${host.replace('amd64', 'x86_64')}]`) }).services[0]!.build).toBeTruthy();
    expect(refused({ 'compose.yaml': build(`[${host}, linux/s390x]`) })).toMatch(
      /compose\.yaml:4: services\.web\.build\.platforms\[1\]: platform "linux\/s390x" is not this host's/,
    );
    expect(refused({ 'compose.yaml': build(host) })).toMatch(/services\.web\.build\.platforms: must be a list/);
    expect(refused({ 'compose.yaml': svc('    logging: {driver: syslog}\n') })).toMatch(
      /compose\.yaml:4: services\.web\.logging\.driver: logging driver "syslog" is not supported/,
    );
  });

  it('reads build (short and long form, image named), and maps restart_policy, tty and gw_priority', () => {
    const both = load({ 'compose.yaml': svc('    build: ./app\n') }).services[0]!;
    expect(both.image).toBe('busybox');
    expect(both.build?.context).toMatch(/\/app$/);
    const long = load({
      'compose.yaml':
        'services:\n  web:\n    build:\n      context: app\n      dockerfile: Dockerfile.prod\n' +
        '      args: [A=1, B]\n      target: run\n      labels: {x: y}\n      no_cache: true\n',
    }).services[0]!;
    expect(long.image).toBe('p-web');
    expect(long.build).toMatchObject({ args: { A: '1' }, target: 'run', labels: { x: 'y' }, noCache: true, tags: [] });
    expect(long.build?.dockerfile).toMatch(/\/app\/Dockerfile\.prod$/);
    expect(refused({ 'compose.yaml': 'services:\n  web:\n    build: {context: ., no_cache: maybe}\n' })).toMatch(
      /compose\.yaml:3: services\.web\.build\.no_cache: "maybe": expected true or false/,
    );
    const s = load({
      'compose.yaml': svc(
        '    tty: true\n    stdin_open: true\n    deploy: {restart_policy: {condition: on-failure, max_attempts: 3}}\n',
      ),
    }).services[0]!;
    expect([s.tty, s.stdinOpen, s.restart, s.restartMax]).toEqual([true, true, 'on-failure', 3]);
  });

  it('resolves extends in the file and from another directory, its relative paths kept', () => {
    const p = load({
      'compose.yaml': `services:\n  web:\n    extends: {file: lib/base.yaml, service: app}\n    environment: {B: "2"}\n  cli:\n    extends: web\n    command: echo\n`,
      'lib/base.yaml':
        'services:\n  app:\n    image: busybox\n    environment: {A: "1"}\n    volumes: ["./data:/data"]\n',
    });
    const web = p.services.find((s) => s.name === 'web')!;
    expect(web.environment).toEqual(['A=1', 'B=2']);
    expect(web.volumes[0]).toMatchObject({ type: 'bind', target: '/data' });
    expect((web.volumes[0] as { source: string }).source).toMatch(/\/lib\/data$/);
    expect(p.services.find((s) => s.name === 'cli')!.command).toEqual(['echo']);
    expect(
      refused({ 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n    image: busybox\n' }),
    ).toMatch(/extends cycle/);
  });

  it('includes other projects, their paths relative to them, and refuses a service defined twice', () => {
    const files = {
      'compose.yaml': `include:\n  - inc/compose.yaml\n${svc('')}`,
      'inc/compose.yaml': 'services:\n  db:\n    image: busybox\n    env_file: db.env\n',
      'inc/db.env': 'X=1\n',
    };
    expect(load(files).services.find((s) => s.name === 'db')!.environment).toEqual(['X=1']);
    expect(refused({ ...files, 'inc/compose.yaml': 'services:\n  web:\n    image: busybox\n' })).toMatch(
      /service "web" is also defined by the included/,
    );
  });

  it('keeps x- extensions, anchors and merge keys, and $$ as a literal dollar', () => {
    const p = load({
      'compose.yaml':
        'x-env: &env\n  A: "$$HOME"\nservices:\n  web:\n    image: busybox\n    environment:\n      <<: *env\n      B: ${UNSET:-d}\n',
    });
    expect([...p.services[0]!.environment].sort()).toEqual(['A=$HOME', 'B=d']);
    expect(refused({ 'compose.yaml': svc('    environment: {A: "${NEED:?set NEED}"}\n') })).toMatch(
      /required variable NEED is missing a value: set NEED/,
    );
  });
});
