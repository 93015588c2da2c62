/**
 * What a pulled layer keeps, end to end (issue 24): layers GNU tar wrote with --xattrs
 * (helpers/registry.ts, make-registry.sh: a hard link, a user.* xattr, a busybox with a file
 * capability, a directory whiteout over an opaque directory of the layer below), pushed to a
 * real registry by skopeo, pulled by netctl and seen from inside a container; a layer with a
 * device node refused with one line and nothing stored; pull and push progress on a terminal.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { PASSWORD, pushArchive, startRegistry, type TestRegistry, USER } from './helpers/registry.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ST = '/run/st-layers';
const ENV = { NETCTL_ROOT: ST, NETCTL_AUTH_FILE: '/run/layers-auth.json' };
// The plain endpoint of the same registry storage: no login needed.
const PLAIN = '127.0.0.1:5000';

let sb: Sandbox;
let reg: TestRegistry;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await sb.netctl(args, { env: ENV, input, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const idOf = async (name: string) => (JSON.parse(await ok(['image', 'inspect', name])) as { id: string }).id;
const layers = async () =>
  (await sb.sh(['sh', '-c', `ls -A ${ST}/layers 2>/dev/null || true`])).split('\n').filter(Boolean);
/** Runs ARGS of netctl on a pseudo-terminal (util-linux `script`), as a user's shell would. */
const inTerminal = (args: string) =>
  sb.exec(['script', '-qec', `${process.execPath} ${NETCTL} ${args}`, '/dev/null'], { env: ENV, timeoutMs: 120_000 });

beforeAll(async () => {
  if (!existsSync(`${root}dist/cli/commands/pull.js`)) throw new Error('dist/ missing: run the tests with npm test');
  sb = await Sandbox.start({});
  reg = await startRegistry(sb, '/run/lreg');
  await pushArchive(sb, reg, `docker-archive:${reg.dir}/images/meta.tar`, 'test/meta:v1');
  await pushArchive(sb, reg, `docker-archive:${reg.dir}/images/dev.tar`, 'test/dev:v1');
}, 180_000);

afterAll(async () => {
  await sb?.close();
});

describe('a layer GNU tar wrote, pulled from a registry', () => {
  const img = `${PLAIN}/test/meta:v1`;

  it('keeps hard links, whiteouts and opaque directories, and a file capability works', async () => {
    await ok(['pull', '-q', '--insecure', img]);
    const script = [
      'stat -c "%i %h" /opt/meta/hl-a /opt/meta/hl-b',
      '/opt/meta/busybox-cap grep CapEff /proc/self/status',
      'grep CapEff /proc/self/status',
      '/opt/meta/busybox-cap httpd -h / -p 80 && echo bound 80',
      'httpd -h / -p 81 2>/dev/null || echo refused 81',
      'test -e /etc/keep || echo keep gone',
      'test -e /etc/gone || echo gone gone',
      'ls /opt/dir',
    ].join('; ');
    const r = await sb.netctl(['run', '--rm', '-u', '65534', '--network', 'none', img, 'sh', '-c', script], {
      env: ENV,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const [a, b, ...rest] = r.stdout.split('\n');
    // One inode, two names.
    expect(a).toMatch(/^\d+ 2$/);
    expect(b).toBe(a);
    // cap_net_bind_service is bit 10: the file's capability, not the user's (nobody has none).
    expect(rest.join('\n')).toBe(
      'CapEff:\t0000000000000400\nCapEff:\t0000000000000000\nbound 80\nrefused 81\nkeep gone\ngone gone\nz\n',
    );
  });

  it("keeps user.* and security.capability xattrs, as the container's root sees them", async () => {
    await ok(['run', '-d', '--name', 'meta', '--network', 'none', img, 'sleep', '60']);
    const [c] = JSON.parse(await ok(['inspect', 'meta'])) as { State: { Pid: number } }[];
    const fs = `/proc/${c!.State.Pid}/root/opt/meta`;
    expect(await sb.sh(['getfattr', '--only-values', '-n', 'user.netctl.test', `${fs}/attrs`])).toBe('hello');
    expect(await sb.sh(['getcap', `${fs}/busybox-cap`])).toBe(`${fs}/busybox-cap cap_net_bind_service=ep\n`);
    await ok(['rm', '-f', 'meta']);
  });

  it('pushes it back on a terminal, rebuilt byte for byte: a clean store pulls the same image', async () => {
    // The TLS endpoint is another registry to netctl: no blob of it is known, every layer is
    // rebuilt from its directory and gzipped again.
    const there = `${reg.tls}/again/meta:v1`;
    const tls = ['--cert-dir', reg.certsDir];
    await ok(['login', ...tls, '-u', USER, '--password-stdin', reg.tls], PASSWORD);
    await ok(['tag', img, there]);
    const push = await inTerminal(`push --cert-dir ${reg.certsDir} ${there}`);
    expect(push.code, push.stdout).toBe(0);
    expect(push.stdout).toMatch(/\x1b\[[1-3]A\x1b\[2K[0-9a-f]{12}: /);
    expect(push.stdout).toMatch(/(\x1b\[2K[0-9a-f]{12}: Pushed\r?\n){3}v1: digest: sha256:/);
    const clean = { ...ENV, NETCTL_ROOT: '/run/st-layers2' };
    const r = await sb.netctl(['pull', '-q', ...tls, there], { env: clean, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    // The config's diff ids were checked against the rebuilt tars, PAX xattr records included.
    expect(r.stdout.trim()).toBe(`sha256:${await idOf(img)}`);
    const top = JSON.parse(await ok(['image', 'inspect', there])) as { layers: string[] };
    const fs = `/run/st-layers2/layers/${top.layers[2]!.slice(7)}/fs/opt/meta`;
    expect(await sb.sh(['getfattr', '--only-values', '-n', 'user.netctl.test', `${fs}/attrs`])).toBe('hello');
    expect(await sb.sh(['getcap', `${fs}/busybox-cap`])).toBe(`${fs}/busybox-cap cap_net_bind_service=ep\n`);
    expect(await sb.sh(['stat', '-c', '%h', `${fs}/hl-a`])).toBe('2\n');
  });
});

describe('a layer with a device node', () => {
  it('is refused with one line naming the member, and nothing of it is stored', async () => {
    const before = await layers();
    const r = await sb.netctl(['pull', '--insecure', `${PLAIN}/test/dev:v1`], { env: ENV, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('layer member "dev/sda": device nodes are refused'),
    ]);
    // The base layer (stored already) is shared; the refused one left no directory and no blob.
    expect(await layers()).toEqual(before);
    expect(await sb.sh(['sh', '-c', `ls -A ${ST}/layers/.blobs`])).toBe('');
    const images = JSON.parse(await ok(['image', 'ls', '--json'])) as { repository: string }[];
    expect(images.map((i) => i.repository)).not.toContain(`${PLAIN}/test/dev`);
  });
});

describe('progress on a terminal', () => {
  it('pull redraws one line per layer with its bytes; a pipe gets plain lines', async () => {
    const r = await inTerminal(`pull --insecure ${PLAIN}/test/app:v1`);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`Pulling ${PLAIN}/test/app:v1 (3 layers)`);
    // Moved up over the rows drawn, each row cleared and redrawn.
    expect(r.stdout).toMatch(/\x1b\[[1-3]A/);
    expect(r.stdout).toMatch(/\x1b\[2K[0-9a-f]{12}: Downloading \d+(\.\d)?[kM]?B\/\d+(\.\d)?[kM]?B/);
    expect(r.stdout).toMatch(/\x1b\[2K[0-9a-f]{12}: Pull complete/);
    expect(r.stdout).toMatch(/Status: Downloaded newer image/);
    await ok(['image', 'rm', `${PLAIN}/test/app:v1`]);
    const plain = await ok(['pull', '--insecure', `${PLAIN}/test/app:v1`]);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/^[0-9a-f]{12}: Pull complete$/m);
  });
});
