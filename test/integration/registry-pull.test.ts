/**
 * `netctl pull`, `login`, `logout`, `image ls|inspect|rm|prune` and `system df` against real
 * registries in a sandbox (helpers/registry.ts): TLS with a test CA and htpasswd auth, a
 * token-auth proxy that can drop or corrupt blobs, a multi-platform index, a layer with path
 * escapes, two images on one base, and a container run from a pulled image.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { PASSWORD, pushArchive, startRegistry, type TestRegistry, USER } from './helpers/registry.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ST = '/run/st-pull';
const AUTH = '/run/pull-auth/config.json';

let sb: Sandbox;
let reg: TestRegistry;

function netctl(args: string[], input?: string) {
  return sb.netctl(args, { env: { NETCTL_ROOT: ST, NETCTL_AUTH_FILE: AUTH }, input, timeoutMs: 120_000 });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await netctl(args, input);
  if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const tlsArgs = () => ['--cert-dir', reg.certsDir];
const layers = async () =>
  (await sb.sh(['sh', '-c', `ls ${ST}/layers 2>/dev/null | grep -v '^\\.' || true`])).split('\n').filter(Boolean);

beforeAll(async () => {
  if (!existsSync(`${root}dist/cli/commands/pull.js`)) throw new Error('dist/ missing: run the tests with npm test');
  sb = await Sandbox.start({});
  reg = await startRegistry(sb);
}, 180_000);

afterAll(async () => {
  await sb?.close();
});

describe('pull over TLS with htpasswd auth', () => {
  it('asks for a login, refuses a wrong password, stores a right one 0600 and never prints it', async () => {
    const anon = await netctl(['pull', ...tlsArgs(), `${reg.tls}/test/base:v1`]);
    expect(anon.code).toBe(1);
    expect(anon.stderr).toContain(`registry ${reg.tls} asks for credentials`);
    const bad = await netctl(['login', ...tlsArgs(), '-u', USER, '--password-stdin', reg.tls], 'wrong');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('refused the user name or password');
    expect(bad.stderr).not.toContain('wrong');
    const good = await netctl(['login', ...tlsArgs(), '-u', USER, '--password-stdin', reg.tls], PASSWORD);
    expect(good.code, good.stderr).toBe(0);
    expect(`${good.stdout}${good.stderr}`).not.toContain(PASSWORD);
    expect(await sb.sh(['stat', '-c', '%a', AUTH])).toBe('600\n');
    const doc = JSON.parse(await sb.sh(['cat', AUTH])) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(doc.auths[reg.tls]!.auth, 'base64').toString()).toBe(`${USER}:${PASSWORD}`);
    // Without the test CA the registry's certificate is refused.
    const noCa = await netctl(['pull', `${reg.tls}/test/base:v1`]);
    expect(noCa.code).toBe(1);
    expect(noCa.stderr).toMatch(/certificate/);
  });

  it('pulls by tag into per-layer overlay directories and runs a container from it', async () => {
    const out = await ok(['pull', ...tlsArgs(), `${reg.tls}/test/base:v1`]);
    expect(out).toContain('Status: Downloaded newer image for 127.0.0.1:5443/test/base:v1 (2 of 2 layers fetched)');
    expect(await layers()).toHaveLength(2);
    const img = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/base:v1`])) as {
      layers: string[];
      repoDigests: string[];
    };
    const top = `${ST}/layers/${img.layers[1]!.slice(7)}/fs`;
    // The whiteout is a 0/0 character device, the opaque directory carries overlayfs' xattr.
    expect(await sb.sh(['stat', '-c', '%F %t:%T', `${top}/etc/gone`])).toBe('character special file 0:0\n');
    expect(await sb.sh(['getfattr', '--only-values', '-n', 'trusted.overlay.opaque', `${top}/opt/dir`])).toBe('y');
    const run = await netctl([
      'run',
      '--rm',
      '--network',
      'none',
      `${reg.tls}/test/base:v1`,
      'sh',
      '-c',
      'cat /etc/added; ls /opt/dir; test -e /etc/gone || echo gone',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('added\nz\ngone\n');
  });

  it('pulls by digest, and a second image on the same base adds only its own layer', async () => {
    const img = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/base:v1`])) as {
      id: string;
      repoDigests: string[];
    };
    const digest = img.repoDigests[0]!.split('@')[1]!;
    const byDigest = JSON.parse(await ok(['pull', '--json', ...tlsArgs(), `${reg.tls}/test/base@${digest}`])) as {
      id: string;
      newLayers: number;
    };
    expect(byDigest).toMatchObject({ id: img.id, newLayers: 0 });
    await ok(['tag', `${reg.tls}/test/base@${digest}`, 'mybase:1']);
    expect((JSON.parse(await ok(['image', 'inspect', 'mybase:1'])) as { id: string }).id).toBe(img.id);
    const wrong = await netctl(['pull', ...tlsArgs(), `${reg.tls}/test/base@sha256:${'0'.repeat(64)}`]);
    expect(wrong.code).toBe(1);
    const before = await layers();
    const app = JSON.parse(await ok(['pull', '--json', ...tlsArgs(), `${reg.tls}/test/app:v1`])) as {
      newLayers: number;
      layers: number;
    };
    expect(app).toMatchObject({ newLayers: 1, layers: 3 });
    expect((await layers()).filter((l) => !before.includes(l))).toHaveLength(1);
    const rows = JSON.parse(await ok(['image', 'ls', '--json'])) as { repository: string; sharedLayers: number }[];
    expect(rows.find((r) => r.repository.endsWith('test/app'))?.sharedLayers).toBe(2);
  });

  it('picks the host platform from an index, another with --platform', async () => {
    const base = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/base:v1`])) as { id: string };
    const amd = JSON.parse(await ok(['pull', '--json', ...tlsArgs(), `${reg.tls}/test/multi:v1`])) as { id: string };
    expect(amd.id).toBe(base.id);
    await ok(['pull', '-q', '--platform', 'linux/arm64', ...tlsArgs(), `${reg.tls}/test/multi:v1`]);
    const arm = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/multi:v1`])) as { architecture: string };
    expect(arm.architecture).toBe('arm64');
    const none = await netctl(['pull', '--platform', 'linux/s390x', ...tlsArgs(), `${reg.tls}/test/multi:v1`]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no image for platform linux/s390x (the index has: linux/amd64, linux/arm64)');
  });

  it('refuses a layer with a path escape, writing nothing outside the store', async () => {
    const before = await layers();
    const r = await netctl(['pull', ...tlsArgs(), `${reg.tls}/test/evil:v1`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('layer member "../../../../../tmp/netctl-escaped": its path leaves the layer');
    expect((await sb.exec(['test', '-e', '/tmp/netctl-escaped'])).code).toBe(1);
    expect(await layers()).toEqual(before);
    expect(await sb.sh(['sh', '-c', `ls -A ${ST}/layers | grep '^.tmp' || true`])).toBe('');
    expect(await sb.sh(['sh', '-c', `ls -A ${ST}/layers/.blobs`])).toBe('');
  });

  it('rm frees exactly the layers no other image uses; prune and system df', async () => {
    const app = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/app:v1`])) as {
      id: string;
      layers: string[];
    };
    const out = await ok(['image', 'rm', `${reg.tls}/test/app:v1`]);
    expect(out).toBe(`Untagged: ${reg.tls}/test/app:v1\nDeleted: sha256:${app.id}\nDeleted: ${app.layers[2]}\n`);
    expect(await layers()).not.toContain(app.layers[2]!.slice(7));
    expect(await layers()).toContain(app.layers[0]!.slice(7));
    const df = JSON.parse(await ok(['system', 'df', '--json'])) as { layers: { count: number } };
    expect(df.layers.count).toBe((await layers()).length);
    await ok(['image', 'prune', '-a']);
    expect(await layers()).toEqual([]);
  });

  it('run pulls a missing image and applies its User, or the one -u names', async () => {
    const env = { NETCTL_ROOT: ST, NETCTL_AUTH_FILE: AUTH, NETCTL_CERTS_DIR: reg.certsDir };
    const img = `${reg.tls}/test/app:v1`;
    const never = await sb.netctl(['run', '--rm', '--pull', 'never', '--network', 'none', img, 'id', '-u'], { env });
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`image "${img}" not found`);
    const r = await sb.netctl(['run', '--rm', '--network', 'none', img, 'sh', '-c', 'id -u; id -g'], {
      env,
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1234\n2345\n');
    const named = await sb.netctl(['run', '--rm', '-u', 'nobody', '--network', 'none', img, 'id', '-u'], { env });
    expect(named.stdout).toBe('65534\n');
    const unknown = await sb.netctl(['run', '--rm', '-u', 'nosuch', '--network', 'none', img, 'id'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('user "nosuch" is not in the image\'s /etc/passwd');
    await ok(['image', 'rm', img]);
  });

  it('compose up pulls as pull_policy says and applies the image User; compose pull', async () => {
    const env = { NETCTL_ROOT: ST, NETCTL_AUTH_FILE: AUTH, NETCTL_CERTS_DIR: reg.certsDir };
    const img = `${reg.tls}/test/app:v1`;
    const yaml = (policy: string) =>
      `services:\n  app:\n    image: ${img}\n    pull_policy: ${policy}\n    network_mode: none\n    command: ["sh", "-c", "id -u"]\n`;
    await sb.sh(['sh', '-c', 'mkdir -p /run/cp && cat > /run/cp/compose.yaml'], { input: yaml('never') });
    const c = (args: string[]) =>
      sb.netctl(['compose', '-f', '/run/cp/compose.yaml', ...args], { env, timeoutMs: 120_000 });
    const never = await c(['up', '-d']);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`image "${img}" not found`);
    await sb.sh(['sh', '-c', 'cat > /run/cp/compose.yaml'], { input: yaml('missing') });
    const up = await c(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('1234'); i++) {
      logs = (await c(['logs'])).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(logs).toContain('1234');
    const pulled = await c(['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toMatch(new RegExp(`app: ${img} sha256:[0-9a-f]{64}`));
    expect((await c(['down'])).code).toBe(0);
    await ok(['image', 'rm', img]);
  });

  it('logout removes the credentials', async () => {
    expect(await ok(['logout', reg.tls])).toBe(`Removing login credentials for ${reg.tls}\n`);
    expect(await ok(['logout', reg.tls])).toBe(`Not logged in to ${reg.tls}\n`);
  });
});

describe('pull through a token-auth proxy that misbehaves', () => {
  const name = `${reg?.proxy ?? '127.0.0.1:5001'}/test/base:v1`;
  const mode = (m: string) => sb.sh(['sh', '-c', `echo ${m} > ${reg.modeFile}`]);

  it('does the token dance, refuses a corrupted blob and stores nothing of it', async () => {
    await ok(['login', '--insecure', '-u', USER, '--password-stdin', reg.proxy], PASSWORD);
    await ok(['image', 'prune', '-a']);
    await mode('corrupt');
    const r = await netctl(['pull', '--insecure', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not match its digest');
    expect(JSON.parse(await ok(['image', 'ls', '--json']))).toEqual([]);
    // The big layer (the only one the proxy corrupts) is neither unpacked nor kept as a blob.
    const base = (await sb.sh(['sh', '-c', `ls ${ST}/layers/.blobs`])).trim();
    expect(base).toBe('');
    expect((await layers()).length).toBeLessThan(2);
    expect(await sb.sh(['grep', '-c', 'GET /token', reg.proxyLog])).not.toBe('0\n');
  });

  it('keeps the partial blob of a dropped connection and resumes it with a range request', async () => {
    await mode('drop');
    const r = await netctl(['pull', '--insecure', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('connection ended after');
    expect(await sb.sh(['sh', '-c', `ls ${ST}/layers/.blobs`])).toMatch(/^[0-9a-f]{64}\.partial\n$/);
    expect(JSON.parse(await ok(['image', 'ls', '--json']))).toEqual([]);
    await mode('pass');
    await ok(['pull', '--insecure', name]);
    expect(await sb.sh(['sh', '-c', `grep -c 'blobs/sha256:[0-9a-f]* bytes=[1-9]' ${reg.proxyLog}`])).not.toBe('0\n');
    expect(await sb.sh(['sh', '-c', `ls -A ${ST}/layers/.blobs`])).toBe('');
    const run = await netctl(['run', '--rm', '--network', 'none', name]);
    expect(run.stdout).toBe('added\n');
  });
});

describe('build --pull', () => {
  const env = () => ({ NETCTL_ROOT: ST, NETCTL_AUTH_FILE: AUTH, NETCTL_CERTS_DIR: reg.certsDir });
  const build = async (...args: string[]) => {
    const r = await sb.netctl(['build', '--progress', 'plain', ...args, '/run/bpull'], {
      env: env(),
      timeoutMs: 180_000,
    });
    if (r.code !== 0) throw new Error(`netctl build exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const moveTag = (archive: string) =>
    pushArchive(sb, reg, `docker-archive:${reg.dir}/images/${archive}`, 'test/moving:v1');
  const seen = async (image: string) =>
    (await ok(['run', '--rm', '--network', 'none', image, 'cat', '/seen.txt'])).trim();

  it('re-resolves FROM against the registry: a moved tag is taken with --pull, not without', async () => {
    await ok(['login', ...tlsArgs(), '-u', USER, '--password-stdin', reg.tls], PASSWORD);
    // USER 0: test/app runs as "app", who cannot write /
    const df = `FROM ${reg.tls}/test/moving:v1\nUSER 0\nRUN (cat /app/hello 2>/dev/null || echo no-app) > /seen.txt\n`;
    await sb.sh(['sh', '-c', 'mkdir -p /run/bpull && cat > /run/bpull/Dockerfile'], { input: df });
    await moveTag('base.tar');
    await build('-t', 'pulled:v1');
    expect(await seen('pulled:v1')).toBe('no-app');
    await moveTag('app.tar');
    // Without --pull the stored base stays: the RUN is a cache hit on it.
    expect(await build('-t', 'pulled:v2')).toMatch(/^#0 \[2\/2\] RUN .* {2}CACHED$/m);
    expect(await seen('pulled:v2')).toBe('no-app');
    const out = await build('--pull', '-t', 'pulled:v3');
    expect(out).not.toContain('CACHED');
    expect(await seen('pulled:v3')).toBe('hello');
    const base = JSON.parse(await ok(['image', 'inspect', `${reg.tls}/test/moving:v1`])) as { layers: string[] };
    expect(base.layers).toHaveLength(3);
  });
});
