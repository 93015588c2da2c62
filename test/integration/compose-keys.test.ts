/**
 * Issue 25's compose keys on real containers: secrets and configs mounted read-only (from a
 * file, an environment variable with a mode, inline content), a service built with
 * `extends` from another file and YAML anchors, a service from an `include`d file (user by
 * name, `init`), `profiles` with `--profile`, and replicas
 * (`deploy.replicas`, then `up --scale`) that the embedded DNS server answers together.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-compose-keys`;
const DIR = `${BASE}/keys`;

const FILES: Record<string, string> = {
  'compose.yaml': `name: keys
include: [extra/compose.yaml]
x-sleeper: &sleeper
  image: busybox
  command: sleep 100000
services:
  web:
    extends: { file: common/base.yaml, service: app }
    environment: { FROM_WEB: "1" }
    secrets:
      - token
      - source: conf
        target: /etc/app.conf
        mode: 0400
    configs: [motd]
  worker:
    <<: *sleeper
    deploy: { replicas: 2 }
  debug:
    <<: *sleeper
    profiles: [debug]
secrets:
  token: { file: ./token.txt }
  conf: { environment: APP_CONF }
configs:
  motd: { content: "hello $$HOME" }
`,
  'common/base.yaml': `services:
  app:
    image: busybox
    command: sleep 100000
    environment: { FROM_BASE: "1" }
`,
  'extra/compose.yaml': `services:
  side:
    image: busybox
    command: sleep 100000
    user: nobody
    init: true
`,
  'token.txt': 's3cret\n',
  '.env': 'APP_CONF=from-env\n',
};

describe('compose keys of issue 25', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const compose = async (...args: string[]): Promise<string> => {
    const r = await sb.exec(
      ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', DIR, process.execPath, NETCTL, 'compose', ...args],
      { timeoutMs: 90_000 },
    );
    if (r.code !== 0) throw new Error(`compose ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const inCtr = async (ctr: string, script: string): Promise<{ code: number; out: string }> => {
    const r = await sb.netctl(['exec', ctr, 'sh', '-c', script], { timeoutMs: 15_000 });
    return { code: r.code, out: r.stdout.trim() };
  };
  const names = async (): Promise<string[]> =>
    (JSON.parse(await compose('ps', '--json')) as { name: string }[]).map((r) => r.name).sort();
  /** The A records the embedded server gives `from` for `name`, sorted. */
  const lookup = async (from: string, name: string): Promise<string[]> => {
    const r = await sb.netctl(['exec', from, 'busybox', 'nslookup', '-type=a', name, '127.0.0.11'], {
      timeoutMs: 15_000,
    });
    const body = r.stdout.split('\n').slice(2).join('\n');
    return [...body.matchAll(/^Address: (\S+)/gm)].map((m) => m[1]!).sort();
  };

  beforeAll(async () => {
    sb = await Sandbox.start({});
    await sb.sh(['sh', makeImages, `${BASE}/img`]);
    await netctl('image', 'import', `${BASE}/img/busybox.tar`, 'busybox');
    for (const [f, text] of Object.entries(FILES)) {
      mkdirSync(join(DIR, f, '..'), { recursive: true });
      writeFileSync(join(DIR, f), text);
    }
    await compose('up', '-d');
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
  });

  it('mounts secrets and configs read-only where the spec puts them, with their mode', async () => {
    // The variable's and the content's text have no newline of their own.
    expect(await inCtr('keys-web-1', 'cat /run/secrets/token /etc/app.conf; echo; cat /motd')).toEqual({
      code: 0,
      out: 's3cret\nfrom-env\nhello $HOME',
    });
    expect((await inCtr('keys-web-1', 'stat -c %a /etc/app.conf')).out).toBe('400');
    expect((await inCtr('keys-web-1', 'echo x > /run/secrets/token')).code).not.toBe(0);
  });

  it('builds web from the other file by extends, both environments merged', async () => {
    expect((await inCtr('keys-web-1', 'echo $FROM_BASE$FROM_WEB')).out).toBe('11');
  });

  it("runs the included file's service, as its user given by name and under the init", async () => {
    expect(await inCtr('keys-side-1', 'id -u; cat /proc/1/comm')).toEqual({ code: 0, out: '65534\nnetctl-init' });
  });

  it('runs replicas as PROJECT-SERVICE-N, answered together by the DNS server, and scales with --scale', async () => {
    expect(await names()).toEqual(['keys-side-1', 'keys-web-1', 'keys-worker-1', 'keys-worker-2']);
    expect(await lookup('keys-web-1', 'worker')).toHaveLength(2);
    await compose('up', '-d', '--scale', 'worker=3');
    expect(await names()).toEqual(['keys-side-1', 'keys-web-1', 'keys-worker-1', 'keys-worker-2', 'keys-worker-3']);
    expect(await lookup('keys-web-1', 'worker')).toHaveLength(3);
    expect(await compose('up', '-d')).toContain('container keys-worker-3 removed');
    expect(await lookup('keys-web-1', 'worker')).toHaveLength(2);
  });

  it("starts a profile's service only with --profile, and down takes everything", async () => {
    await compose('--profile', 'debug', 'up', '-d');
    expect(await names()).toContain('keys-debug-1');
    await compose('--profile', 'debug', 'down');
    expect(await names()).toEqual([]);
    expect(await netctl('ps', '-a')).not.toContain('keys-');
  });
});
