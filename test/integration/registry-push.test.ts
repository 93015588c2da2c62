/**
 * `netctl push`, `save` and layered `image load` against the real registry of
 * helpers/registry.ts (Debian's docker-registry behind TLS + htpasswd): what push writes is
 * read by Debian's skopeo and pulled back into a clean store with the same image id; a
 * blob another repository has is mounted, one the repository has is skipped; `save`
 * archives are read by a real dockerd (`docker load`) and skopeo; a prune racing a pull
 * leaves the pull's layers alone.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { SandboxDocker } from './helpers/docker.js';
import { PASSWORD, startRegistry, type TestRegistry, USER } from './helpers/registry.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ST = '/run/st-push';
const AUTH = '/run/push-auth/config.json';

let sb: Sandbox;
let reg: TestRegistry;

function netctl(args: string[], o: { root?: string; env?: Record<string, string>; input?: string } = {}) {
  const env = { NETCTL_ROOT: o.root ?? ST, NETCTL_AUTH_FILE: AUTH, NETCTL_CERTS_DIR: reg.certsDir, ...o.env };
  return sb.netctl(args, { env, input: o.input, timeoutMs: 120_000 });
}

async function ok(args: string[], o: Parameters<typeof netctl>[1] = {}): Promise<string> {
  const r = await netctl(args, o);
  if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const idOf = async (name: string, rootDir = ST) =>
  (JSON.parse(await ok(['image', 'inspect', name], { root: rootDir })) as { id: string }).id;
const skopeo = (args: string[]) =>
  sb.sh(['skopeo', ...args], { timeoutMs: 60_000 }).then((t) => JSON.parse(t) as Record<string, unknown>);
const remote = (repo: string) => [
  'inspect',
  '--cert-dir',
  `${reg.certsDir}/${reg.tls}`,
  '--creds',
  `${USER}:${PASSWORD}`,
  `docker://${reg.tls}/${repo}`,
];
const layerDirs = async (dir: string) =>
  (await sb.sh(['sh', '-c', `ls ${dir}/layers 2>/dev/null | grep -v '^\\.' || true`])).split('\n').filter(Boolean);

beforeAll(async () => {
  if (!existsSync(`${root}dist/cli/commands/push.js`)) throw new Error('dist/ missing: run the tests with npm test');
  sb = await Sandbox.start({});
  reg = await startRegistry(sb, '/run/preg');
  await ok(['login', '-u', USER, '--password-stdin', reg.tls], { input: PASSWORD });
}, 180_000);

afterAll(async () => {
  await sb?.close();
});

describe('push', () => {
  it('uploads a loaded image that skopeo reads and a clean store pulls back with the same id', async () => {
    // Saved from one store and loaded into another, which knows no registry blob of its layers.
    await ok(['pull', '-q', `${reg.tls}/test/base:v1`]);
    const id = await idOf(`${reg.tls}/test/base:v1`);
    await ok(['save', '-o', '/run/base.tar', `${reg.tls}/test/base:v1`]);
    const up = { root: '/run/st-up' };
    await ok(['image', 'load', '-i', '/run/base.tar'], up);
    await ok(['tag', '--dry-run', `${reg.tls}/test/base:v1`, `${reg.tls}/pushed/layered:v1`], up);
    await expect(ok(['image', 'inspect', `${reg.tls}/pushed/layered:v1`], up)).rejects.toThrow(/not found/);
    await ok(['tag', `${reg.tls}/test/base:v1`, `${reg.tls}/pushed/layered:v1`], up);
    const dry = await ok(['push', '--dry-run', `${reg.tls}/pushed/layered:v1`], up);
    expect(dry).toContain('application/vnd.docker.distribution.manifest.v2+json manifest');
    await expect(skopeo(remote('pushed/layered:v1'))).rejects.toThrow();
    const out = await ok(['push', `${reg.tls}/pushed/layered:v1`], up);
    expect(out.match(/: Pushed$/gm)).toHaveLength(2);
    expect(out).toMatch(/^v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    const seen = await skopeo(remote('pushed/layered:v1'));
    expect(seen.Layers).toHaveLength(2);
    const raw = await skopeo([...remote('').slice(0, -1), '--raw', `docker://${reg.tls}/pushed/layered:v1`]);
    expect(raw.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    await ok(['pull', '-q', `${reg.tls}/pushed/layered:v1`], { root: '/run/st-clean' });
    expect(await idOf(`${reg.tls}/pushed/layered:v1`, '/run/st-clean')).toBe(id);
    const again = await ok(['push', `${reg.tls}/pushed/layered:v1`], up);
    expect(again.match(/: Layer already exists$/gm)).toHaveLength(2);
  });

  it('mounts blobs another repository has, and writes OCI manifests with --format oci', async () => {
    await ok(['pull', '-q', `${reg.tls}/test/app:v1`]);
    const id = await idOf(`${reg.tls}/test/app:v1`);
    await ok(['tag', `${reg.tls}/test/app:v1`, `${reg.tls}/other/app:oci`]);
    const out = await ok(['push', '--format', 'oci', `${reg.tls}/other/app:oci`]);
    expect(out.match(/: Mounted from test\/(base|app)$/gm)).toHaveLength(3);
    const raw = await skopeo([...remote('').slice(0, -1), '--raw', `docker://${reg.tls}/other/app:oci`]);
    expect(raw.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const seen = await skopeo(remote('other/app:oci'));
    expect(seen.Digest).toMatch(/^sha256:/);
    await ok(['pull', '-q', `${reg.tls}/other/app:oci`], { root: '/run/st-clean' });
    expect(await idOf(`${reg.tls}/other/app:oci`, '/run/st-clean')).toBe(id);
  });

  it('refuses a digest and an unknown format with one line, sending nothing', async () => {
    const d = await netctl(['push', `${reg.tls}/x/y@sha256:${'0'.repeat(64)}`]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('give NAME[:TAG], not a digest');
    const f = await netctl(['push', '--format', 'v1', `${reg.tls}/pushed/layered:v1`]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('invalid --format "v1"');
  });
});

describe('save and layered load', () => {
  it('writes archives docker load and skopeo read; loading two images on one base shares it', async () => {
    const app = `${reg.tls}/test/app:v1`;
    await ok(['pull', '-q', `${reg.tls}/test/base:v1`]);
    await ok(['save', '-o', '/run/two.tar', `${reg.tls}/test/base:v1`, app]);
    await ok(['save', '--format', 'oci', '-o', '/run/app-oci.tar', app]);
    await ok(['save', '--format', 'oci-dir', '-o', '/run/app-oci', app]);
    expect((await skopeo(['inspect', `docker-archive:/run/two.tar:${app}`])).Layers).toHaveLength(3);
    expect((await skopeo(['inspect', 'oci-archive:/run/app-oci.tar'])).Layers).toHaveLength(3);
    expect((await skopeo(['inspect', 'oci:/run/app-oci'])).Layers).toHaveLength(3);
    await ok(['image', 'load', '-i', '/run/two.tar'], { root: '/run/st-load' });
    expect(await layerDirs('/run/st-load')).toHaveLength(3);
    expect(await idOf(app, '/run/st-load')).toBe(await idOf(app));
    const docker = await SandboxDocker.start(sb, '/run/push-docker');
    const loaded = await docker.docker('load', '-i', '/run/two.tar');
    expect(loaded).toContain(`Loaded image: ${app}`);
    expect((await docker.docker('image', 'inspect', '-f', '{{.Id}}', app)).trim()).toBe(`sha256:${await idOf(app)}`);
    await docker.stopDaemon();
  }, 180_000);
});

describe('prune racing a pull', () => {
  it('leaves the layers of a pull that has not recorded its image yet', async () => {
    const dir = '/run/st-race';
    const img = `${reg.tls}/test/app:v1`;
    const pull = netctl(['pull', '-q', img], { root: dir, env: { NETCTL_TEST_PULL_PAUSE_MS: '9000' } });
    let pulled = false;
    void pull.then(() => (pulled = true));
    for (let i = 0; i < 100 && (await layerDirs(dir)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await layerDirs(dir)).toHaveLength(3);
    await ok(['image', 'prune', '-a'], { root: dir });
    // The prune ran inside the pull's window (its layers stored, its image not recorded yet).
    expect(pulled).toBe(false);
    expect(await layerDirs(dir)).toHaveLength(3);
    expect((await pull).code).toBe(0);
    const run = await netctl(['run', '--rm', '--network', 'none', img, 'cat', '/etc/added'], { root: dir });
    expect(run.stdout).toBe('added\n');
    // doctor names a layer gone from under an image.
    const layers = (JSON.parse(await ok(['image', 'inspect', img], { root: dir })) as { layers: string[] }).layers;
    await sb.sh(['mv', `${dir}/layers/${layers[1]!.slice(7)}`, `${dir}/moved`]);
    const doc = await netctl(['doctor'], { root: dir });
    expect(doc.stdout + doc.stderr).toContain(`layer ${layers[1]} is missing from the layer store`);
  });
});
