/**
 * `netctl image import|load|ls|rm` in a sandbox, with busybox images built by
 * scripts/make-images.sh: plain and gzipped rootfs tars, a directory, stdin, a `docker save`
 * archive and an OCI layout whose second layer has a whiteout and an opaque directory.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));

let sb: Sandbox;

/** netctl with its state in DIR (each describe block its own). */
function netctl(dir: string, args: string[], input?: string) {
  return sb.netctl(args, { env: { NETCTL_ROOT: dir }, input });
}

async function ok(dir: string, args: string[]): Promise<string> {
  const r = await netctl(dir, args);
  if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function imageIds(dir: string): Promise<Record<string, string>> {
  const rows = JSON.parse(await ok(dir, ['image', 'ls', '--json'])) as {
    repository: string;
    tag: string;
    id: string;
  }[];
  return Object.fromEntries(rows.map((r) => [`${r.repository}:${r.tag}`, r.id]));
}

async function listing(dir: string): Promise<string[]> {
  const out = await sb.sh(['find', dir, '-mindepth', '1']);
  return out.trim().split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  // test/build.ts (global setup) built dist/.
  if (!existsSync(`${root}dist/cli/commands/image-load.js`))
    throw new Error('dist/ missing: run the tests with npm test');
  sb = await Sandbox.start({});
  await sb.sh(['sh', makeImages, '/run/imgs'], { timeoutMs: 60_000 });
});

afterAll(async () => {
  await sb?.close();
});

describe('image import', () => {
  const dir = '/run/st-import';

  it('imports a tar, a gzipped tar, a directory and stdin', async () => {
    await ok(dir, ['image', 'import', '/run/imgs/busybox.tar', 'busybox']);
    await ok(dir, ['image', 'import', '/run/imgs/busybox.tar.gz', 'busybox:gz']);
    await ok(dir, ['image', 'import', '/run/imgs/rootfs', 'docker.io/library/fromdir:1.0']);
    const gz = await sb.sh(['base64', '-w0', '/run/imgs/busybox.tar.gz']);
    // The agent passes text on stdin, so the gzip goes through base64 and a pipe.
    const r = await sb.exec(
      [
        'sh',
        '-c',
        `base64 -d | "${process.execPath}" "$0" image import - piped:x`,
        fileURLToPath(new URL('../../dist/bin/netctl.js', import.meta.url)),
      ],
      { input: gz, env: { NETCTL_ROOT: dir } },
    );
    expect(r.code, r.stderr).toBe(0);
    const ids = await imageIds(dir);
    expect(Object.keys(ids).sort()).toEqual(['busybox:gz', 'busybox:latest', 'fromdir:1.0', 'piped:x']);
    // Each import is one layer; the same tar, gzipped or piped, is stored once.
    const layers: Record<string, string[]> = {};
    for (const [name, id] of Object.entries(ids)) {
      layers[name] = (JSON.parse(await ok(dir, ['image', 'inspect', id])) as { layers: string[] }).layers;
      expect(layers[name]).toHaveLength(1);
      const rootfs = `${dir}/layers/${layers[name]![0]!.slice(7)}/fs`;
      expect(await sb.sh(['readlink', `${rootfs}/bin/sh`])).toBe('busybox\n');
      expect(await sb.sh(['stat', '-c', '%a %u', `${rootfs}/tmp`])).toBe('1777 0\n');
      expect(await sb.sh(['cmp', `${rootfs}/bin/busybox`, '/bin/busybox'])).toBe('');
    }
    expect(layers['busybox:gz']).toEqual(layers['busybox:latest']);
    expect(layers['piped:x']).toEqual(layers['busybox:latest']);
    const run = await netctl(dir, ['run', '--rm', '--network', 'none', 'fromdir:1.0', 'cat', '/etc/group']);
    expect(run.stdout).toBe('root:x:0:\nnogroup:x:65534:\n');
  });

  it('refuses a bad name (exit 2) and a missing source (exit 1)', async () => {
    const bad = await netctl(dir, ['image', 'import', '/run/imgs/busybox.tar', 'Bad:Name!']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid image');
    const missing = await netctl(dir, ['image', 'import', '/run/imgs/nope.tar', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/run/imgs/nope.tar');
  });

  it('untags and deletes with image rm, and reports what it could not find', async () => {
    const before = await imageIds(dir);
    const out = await ok(dir, ['image', 'rm', 'busybox:gz']);
    expect(out).toBe(`Untagged: busybox:gz\nDeleted: sha256:${before['busybox:gz']}\n`);
    expect((await sb.exec(['test', '-e', `${dir}/images/${before['busybox:gz']}`])).code).toBe(1);
    const r = await netctl(dir, ['image', 'rm', 'nosuch', 'piped:x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('image "nosuch" not found');
    expect(Object.keys(await imageIds(dir)).sort()).toEqual(['busybox:latest', 'fromdir:1.0']);
    const id = before['fromdir:1.0']!;
    // Its layer (the directory packed) is no other image's: it goes too.
    const [layer] = (JSON.parse(await ok(dir, ['image', 'inspect', id])) as { layers: string[] }).layers;
    expect(await ok(dir, ['image', 'rm', id.slice(0, 12)])).toBe(
      `Untagged: fromdir:1.0\nDeleted: sha256:${id}\nDeleted: ${layer}\n`,
    );
  });
});

/** What both archive formats must produce from the same two layers. */
async function expectLayered(dir: string, name: string, source: string): Promise<void> {
  const ids = await imageIds(dir);
  const id = ids[name]!;
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  const r = `${dir}/images/${id}/rootfs`;
  expect(await listing(`${r}/etc`)).toEqual([
    `${r}/etc/added`,
    `${r}/etc/group`,
    `${r}/etc/keep`,
    `${r}/etc/keep/a`,
    `${r}/etc/passwd`,
  ]);
  expect(await listing(`${r}/opt`)).toEqual([`${r}/opt/dir`, `${r}/opt/dir/z`]);
  expect(await sb.sh(['readlink', `${r}/lib64`])).toBe('usr/lib\n');
  expect(await sb.sh(['cat', `${r}/usr/lib/added-through-link`])).toBe('linked\n');
  expect(await sb.sh(['stat', '-c', '%a', `${r}/tmp`])).toBe('1777\n');
  const record = JSON.parse(await sb.sh(['cat', `${dir}/images/${id}/config.json`])) as Record<string, unknown>;
  expect(record).toMatchObject({
    id,
    source,
    config: {
      cmd: ['httpd', '-f', '-p', '8080'],
      env: ['PATH=/bin', 'GREETING=hello'],
      workingDir: '/srv',
      exposedPorts: ['8080/tcp'],
      labels: { test: 'yes' },
    },
  });
  expect(await sb.sh(['find', r, '-name', '.wh.*'])).toBe('');
}

describe('image load', () => {
  it('loads a docker save archive from stdin with whiteouts and opaque directories applied', async () => {
    const dir = '/run/st-save';
    const r = await sb.exec(
      [
        'sh',
        '-c',
        `"${process.execPath}" "$0" image load < /run/imgs/docker-save.tar`,
        fileURLToPath(new URL('../../dist/bin/netctl.js', import.meta.url)),
      ],
      { env: { NETCTL_ROOT: dir } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: test/layered:v1\n');
    await expectLayered(dir, 'test/layered:v1', 'docker-save');
  });

  it('loads an OCI layout archive through a nested index', async () => {
    const dir = '/run/st-oci';
    expect(await ok(dir, ['image', 'load', '-i', '/run/imgs/oci.tar'])).toBe('Loaded image: oci/layered:v2\n');
    await expectLayered(dir, 'oci/layered:v2', 'oci');
    // Loading again only tags: same id, nothing rebuilt.
    const before = await imageIds(dir);
    await ok(dir, ['image', 'load', '-i', '/run/imgs/oci.tar']);
    expect(await imageIds(dir)).toEqual(before);
  });

  it('keeps an image two names point at until the last one is removed', async () => {
    const dir = '/run/st-both';
    await ok(dir, ['image', 'load', '-i', '/run/imgs/docker-save.tar']);
    await ok(dir, ['image', 'load', '-i', '/run/imgs/oci.tar']);
    const ids = await imageIds(dir);
    expect(ids['test/layered:v1']).toBe(ids['oci/layered:v2']);
    expect(await ok(dir, ['image', 'rm', 'test/layered:v1'])).toBe('Untagged: test/layered:v1\n');
    expect(await sb.sh(['test', '-d', `${dir}/images/${ids['oci/layered:v2']}/rootfs`])).toBe('');
    expect(await ok(dir, ['image', 'rm', 'oci/layered:v2'])).toBe(
      `Untagged: oci/layered:v2\nDeleted: sha256:${ids['oci/layered:v2']}\n`,
    );
    expect(await imageIds(dir)).toEqual({});
  });

  it('refuses an archive that is neither format, and a tampered blob', async () => {
    const dir = '/run/st-bad';
    const plain = await netctl(dir, ['image', 'load', '-i', '/run/imgs/busybox.tar']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('not a `docker save` or OCI image archive');
    await sb.sh([
      'sh',
      '-c',
      'rm -rf /run/tamper && mkdir /run/tamper && tar -C /run/tamper -xf /run/imgs/oci.tar && for f in /run/tamper/blobs/sha256/*; do if tar -tf "$f" >/dev/null 2>&1; then echo extra >> "$f"; fi; done && tar -C /run/tamper -cf /run/tamper.tar .',
    ]);
    const tampered = await netctl(dir, ['image', 'load', '-i', '/run/tamper.tar']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('does not match its digest');
    expect(await sb.sh(['sh', '-c', `ls -A ${dir}/images | grep -v index.json || true`])).toBe('');
  });
});

describe('dry runs', () => {
  const dir = '/run/st-dry';

  /** What image ls and ps -a print (the latter opens the database), and every file under the state root. */
  async function state(): Promise<string[]> {
    return [
      await ok(dir, ['image', 'ls']),
      await ok(dir, ['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}']),
      ...(await listing(dir)),
    ];
  }

  it('import --dry-run checks as import does, prints its plan and writes nothing', async () => {
    await ok(dir, ['image', 'import', '/run/imgs/busybox.tar', 'busybox']);
    const id = (await imageIds(dir))['busybox:latest']!;
    const before = await state();
    const out = await ok(dir, ['image', 'import', '--dry-run', '/run/imgs/busybox.tar', 'busybox']);
    expect(out).not.toContain('processes:');
    expect(out).toContain(`  unpack /run/imgs/busybox.tar once as a layer into ${dir}/layers/DIFFID`);
    expect(out).toContain(`  point busybox:latest at it instead of sha256:${id} (that image stays stored)\n`);
    const fromDir = await ok(dir, ['image', 'import', '--dry-run', '/run/imgs/rootfs', 'fromdir']);
    expect(fromDir).toContain(
      `  tar -c -f ${dir}/images/.tmp-import-RANDOM/layer.tar -C /run/imgs/rootfs --numeric-owner --xattrs`,
    );
    expect(fromDir).toContain('  tag it fromdir:latest\n');
    const bad = await netctl(dir, ['image', 'import', '--dry-run', '/run/imgs/busybox.tar', 'Bad:Name!']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid image');
    const missing = await netctl(dir, ['image', 'import', '--dry-run', '/run/imgs/nope.tar', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe((await netctl(dir, ['image', 'import', '/run/imgs/nope.tar', 'x'])).stderr);
    expect(await state()).toEqual(before);
  });

  it('load --dry-run checks the input, says the ids are known only once unpacked, and writes nothing', async () => {
    const before = await state();
    const out = await ok(dir, ['image', 'load', '--dry-run', '-i', '/run/imgs/oci.tar']);
    expect(out).toContain(`processes:\n  tar -x -f /run/imgs/oci.tar -C ${dir}/images/.tmp-load-RANDOM/archive`);
    expect(out).toContain('  ID: the sha256 of the image config, known only once the archive is unpacked\n');
    const missing = await netctl(dir, ['image', 'load', '--dry-run', '-i', '/run/imgs/nope.tar']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('load "/run/imgs/nope.tar": file "/run/imgs/nope.tar" not found');
    expect(missing.stderr).toBe((await netctl(dir, ['image', 'load', '-i', '/run/imgs/nope.tar'])).stderr);
    expect(await state()).toEqual(before);
  });

  it('rm --dry-run prints what it would untag and delete, refuses what rm refuses, and removes nothing', async () => {
    const id = (await imageIds(dir))['busybox:latest']!;
    const before = await state();
    const out = await ok(dir, ['image', 'rm', '--dry-run', 'busybox']);
    expect(out).toContain(`also:\n  untag busybox:latest\n  delete image sha256:${id} (${dir}/images/${id})\n`);
    const unknown = await netctl(dir, ['image', 'rm', '--dry-run', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('image "nosuch" not found');
    expect(await state()).toEqual(before);
    const run = await netctl(dir, ['run', '-d', '--network', 'none', '--name', 'user', 'busybox', 'sleep', '600']);
    expect(run.code, run.stderr).toBe(0);
    const during = await state();
    const inUse = await netctl(dir, ['image', 'rm', '--dry-run', 'busybox']);
    expect(inUse.code).not.toBe(0);
    expect(inUse.stderr).toContain('image "busybox" is in use by container "user"');
    expect(inUse.stderr).toBe((await netctl(dir, ['image', 'rm', 'busybox'])).stderr);
    expect(await state()).toEqual(during);
    await ok(dir, ['rm', '-f', 'user']);
  });
});
