/**
 * Health checks with real containers in one sandbox: a check that turns healthy after its
 * start period, one that turns unhealthy after its retries (and stops with its container),
 * an image whose config carries a HEALTHCHECK (a `docker save` archive built here), a
 * restart by policy starting the checks again, the runner killed (doctor names it, gc
 * starts it), and compose: depends_on service_healthy and service_completed_successfully
 * gating a dependant (proved by timestamps), and up --wait failing on an unhealthy service.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-health`;
const IMG = `${BASE}/img`;

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}
interface Inspect {
  State: { Status: string; StartedAt: string; FinishedAt: string | null; RestartCount: number; Health?: Health };
}

// A docker-save archive of busybox whose config has a HEALTHCHECK (durations in ns, as Docker stores them).
const HC_IMAGE = `set -eu
cd "$1" && rm -rf hc && mkdir -p hc/l1
cp busybox.tar hc/l1/layer.tar
printf '%s' '{"architecture":"amd64","os":"linux","config":{"Cmd":["sleep","1000"],"Env":["PATH=/bin"],"Healthcheck":{"Test":["CMD-SHELL","test -f /tmp/up || touch /tmp/up; exit 0"],"Interval":200000000,"Timeout":2000000000,"Retries":1}},"rootfs":{"type":"layers","diff_ids":[]}}' >hc/config.json
sum=$(sha256sum hc/config.json | cut -d' ' -f1)
mv hc/config.json "hc/$sum.json"
printf '[{"Config":"%s.json","RepoTags":["test/hc:v1"],"Layers":["l1/layer.tar"]}]' "$sum" >hc/manifest.json
tar -C hc -cf hc.tar .
`;

describe('health checks', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const inspect = async (name: string): Promise<Inspect> =>
    (JSON.parse(await netctl('inspect', name)) as Inspect[])[0]!;
  const health = async (name: string): Promise<Health | undefined> => (await inspect(name)).State.Health;
  const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
    for (const end = Date.now() + ms; ; ) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const status = (name: string, want: string) => async () => ((await health(name))?.Status === want ? true : undefined);
  const compose = (dir: string, ...args: string[]) =>
    sb.exec(['sh', '-c', `cd "$1" && shift && exec "$@"`, 'sh', dir, process.execPath, NETCTL, 'compose', ...args], {
      timeoutMs: 120_000,
    });
  const project = (name: string, yaml: string): string => {
    const dir = join(BASE, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), yaml);
    return dir;
  };

  beforeAll(async () => {
    sb = await Sandbox.start();
    mkdirSync(BASE, { recursive: true });
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['sh', '-c', HC_IMAGE, 'sh', IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('image', 'load', '-i', `${IMG}/hc.tar`);
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
  });

  it('turns healthy once the check passes; failures in the start period do not count', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      'ok',
      '--health-cmd',
      'test -f /tmp/ok',
      '--health-interval',
      '200ms',
      '--health-retries',
      '1',
      '--health-start-period',
      '10s',
      'busybox',
      'sh',
      '-c',
      'sleep 1; touch /tmp/ok; exec sleep 1000',
    );
    expect(await netctl('ps')).toMatch(/ok .*Up .* \((health: starting|healthy)\)/);
    await until('ok healthy', status('ok', 'healthy'));
    const h = (await health('ok'))!;
    expect(h.FailingStreak).toBe(0);
    expect(h.Log.at(-1)!.ExitCode).toBe(0);
    // The failures before /tmp/ok existed were in the start period: never unhealthy.
    expect(h.Log.length).toBeLessThanOrEqual(5);
    expect(await netctl('ps')).toMatch(/ok .*Up .* \(healthy\)/);
    const rows = JSON.parse(await netctl('ps', '--json')) as { name: string; health?: string }[];
    expect(rows.find((r) => r.name === 'ok')?.health).toBe('healthy');
  });

  it('turns unhealthy after its retries, keeps five results, and stops with the container', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      'bad',
      '--health-cmd',
      'echo nope; exit 3',
      '--health-interval',
      '200ms',
      '--health-retries',
      '3',
      'busybox',
      'sleep',
      '1000',
    );
    await until('bad unhealthy', status('bad', 'unhealthy'));
    expect((await health('bad'))!.FailingStreak).toBeGreaterThanOrEqual(3);
    await until('five results', async () => ((await health('bad'))!.Log.length === 5 ? true : undefined));
    const h = (await health('bad'))!;
    expect(h.Log.every((r) => r.ExitCode === 3 && r.Output === 'nope\n')).toBe(true);
    expect(await netctl('ps')).toMatch(/bad .*Up .* \(unhealthy\)/);
    await netctl('stop', '-t', '0', 'bad');
    const last = (await health('bad'))!.Log.at(-1)!.End;
    await new Promise((r) => setTimeout(r, 800));
    expect((await health('bad'))!.Log.at(-1)!.End).toBe(last);
    expect((await health('bad'))!.Status).toBe('unhealthy');
  });

  it("applies the image's HEALTHCHECK, and --no-healthcheck turns it off", async () => {
    await netctl('run', '-d', '--name', 'img', 'test/hc:v1');
    await until('img healthy', status('img', 'healthy'));
    await netctl('run', '-d', '--name', 'nocheck', '--no-healthcheck', 'test/hc:v1');
    expect(await health('nocheck')).toBeUndefined();
    const r = await sb.netctl(['run', '-d', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--no-healthcheck conflicts with --health-* options');
    const bad = await sb.netctl(['run', '-d', '--health-interval', '5', 'busybox', 'true']);
    expect(bad.stderr).toContain('invalid --health-interval "5"');
  });

  it('starts the checks again after a restart by policy', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      'flap',
      '--restart',
      'always',
      '--health-cmd',
      'true',
      '--health-interval',
      '200ms',
      'busybox',
      'sh',
      '-c',
      'sleep 2; exit 1',
    );
    await until('flap healthy', status('flap', 'healthy'));
    const first = (await inspect('flap')).State.StartedAt;
    const again = await until('a restart', async () => {
      const s = (await inspect('flap')).State;
      return s.RestartCount >= 1 && s.StartedAt !== first && s.Status === 'running' ? s.StartedAt : undefined;
    });
    await until('a probe of the new start', async () =>
      (await health('flap'))!.Log.some((l) => l.Start > again) ? true : undefined,
    );
    await netctl('rm', '-f', 'flap');
  });

  it('doctor names a runner that should run and does not; gc starts it', async () => {
    const pid = (await sb.sh(['cat', '/run/netctl/health/health.pid'])).trim();
    await sb.sh(['kill', '-9', pid]);
    await until('the runner gone', async () =>
      (await sb.exec(['sh', '-c', `grep -q '^State:.*[ZX]' /proc/${pid}/status || ! test -e /proc/${pid}`])).code === 0
        ? true
        : undefined,
    );
    const doctor = await sb.netctl(['doctor']);
    expect(doctor.stdout).toContain('health: the health runner (netctl health serve) is not running');
    expect(await netctl('gc')).toContain('started the health runner');
    const before = (await health('ok'))!.Log.at(-1)!.End;
    await until('a new probe', async () => ((await health('ok'))!.Log.at(-1)!.End > before ? true : undefined));
    await netctl('rm', '-f', 'ok', 'bad', 'img', 'nocheck');
  });

  it('compose: depends_on waits for service_healthy and service_completed_successfully', async () => {
    const dir = project(
      'gate',
      `name: gate
services:
  db:
    image: busybox
    command: sh -c "sleep 3; date +%s > /tmp/ready; exec sleep 1000"
    healthcheck:
      test: test -f /tmp/ready
      interval: 200ms
      retries: 20
  init:
    image: busybox
    command: sh -c "sleep 1; exit 0"
  web:
    image: busybox
    command: sleep 1000
    depends_on:
      db: {condition: service_healthy, restart: true}
      init: {condition: service_completed_successfully}
`,
    );
    const r = await compose(dir, 'up', '-d');
    expect(r.code, r.stderr).toBe(0);
    const web = Date.parse((await inspect('gate-web-1')).State.StartedAt);
    // db is ready 3 s after its start (its own clock wrote when): web started only after that.
    const ready = Number(await netctl('exec', 'gate-db-1', 'cat', '/tmp/ready')) * 1000;
    expect(web).toBeGreaterThanOrEqual(ready);
    expect(web - Date.parse((await inspect('gate-db-1')).State.StartedAt)).toBeGreaterThanOrEqual(3000);
    expect((await health('gate-db-1'))!.Status).toBe('healthy');
    expect(web).toBeGreaterThan(Date.parse((await inspect('gate-init-1')).State.FinishedAt!));
    // compose ps in Docker Compose's words: its columns, "Up N seconds (healthy)", --format json.
    const ps = await compose(dir, 'ps', '-a');
    expect(ps.stdout.split('\n')[0]).toMatch(/^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
    expect(ps.stdout).toMatch(/\ngate-db-1\s+busybox\s+"sh -c sleep 3; date…"\s+db\s+\S.* ago\s+Up \S.* \(healthy\)/);
    expect(ps.stdout).toMatch(/\ngate-init-1\s+busybox\s+.*\s+init\s+.* ago\s+Exited \(0\) .* ago/);
    const json = (await compose(dir, 'ps', '--format', 'json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.map((r: { Service: string }) => r.Service).sort()).toEqual(['db', 'web']);
    expect(json.find((r: { Service: string }) => r.Service === 'db')).toMatchObject({
      Name: 'gate-db-1',
      Project: 'gate',
      State: 'running',
      Health: 'healthy',
      Status: expect.stringMatching(/^Up .* \(healthy\)$/),
    });
    expect((await compose(dir, 'ps', '--services')).stdout).toBe('db\nweb\n');
    // restart db takes web along (depends_on db with restart: true), and nothing else.
    const restart = await compose(dir, 'restart', 'db');
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'container gate-db-1 started',
      'container gate-db-1 stopped',
      'container gate-web-1 started',
      'container gate-web-1 stopped',
    ]);
    expect((await compose(dir, 'down')).code).toBe(0);
  });

  it('compose: an unhealthy dependency stops up with one line, and up --wait fails naming it', async () => {
    const dir = project(
      'sick',
      `name: sick
services:
  sick:
    image: busybox
    command: sleep 1000
    healthcheck: {test: [CMD, "false"], interval: 200ms, retries: 2}
  dep:
    image: busybox
    command: sleep 1000
    depends_on: {sick: {condition: service_healthy}}
`,
    );
    const up = await compose(dir, 'up', '-d');
    expect(up.code).toBe(1);
    expect(up.stderr.trim()).toBe(
      'netctl: dependency failed to start: service "dep" depends on "sick": container sick-sick-1 is unhealthy',
    );
    expect((await sb.netctl(['inspect', 'sick-dep-1'])).code).not.toBe(0);
    const wait = await compose(dir, 'up', '--wait', '--wait-timeout', '20', 'sick');
    expect(wait.code).toBe(1);
    expect(wait.stderr).toContain('service "sick" is not ready: container sick-sick-1 is unhealthy');
    expect((await compose(dir, 'down')).code).toBe(0);
  });
});
