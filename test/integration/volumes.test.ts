/**
 * Volumes with real containers: `volume create/ls/inspect/rm/prune`, named and anonymous
 * volumes, the image's VOLUMEs filled from its files, `--volumes-from` backup and restore
 * as Docker's notes do it, `:ro`, tmpfs, a volume in use refused, bad input refused with
 * nothing changed. One sandbox for the file; containers on `--network none` (no network
 * is needed to prove mounts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { NETCTL } from '../harness/sandbox.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const makeSeeded = fileURLToPath(new URL('./scripts/make-volume-image.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-volumes`;
const IMG = `${BASE}/img`;
const APP = `${BASE}/app`;

// A database-like service appending to its named volume, a sidecar reading it through
// volumes_from, a bind whose source does not exist yet (compose makes it), tmpfs both ways.
const appFile = (gen: number): string => `name: vt
services:
  db:
    image: busybox
    command: ["sh", "-c", "while true; do echo row >> /var/lib/db/rows; sleep 0.2; done"]
    environment: {GEN: "${gen}"}
    network_mode: none
    volumes:
      - dbdata:/var/lib/db
      - ./conf:/etc/db:ro,Z
      - /scratch
      - type: tmpfs
        target: /run/db
        tmpfs: {size: 1048576}
    tmpfs: [/cache]
  reader:
    image: busybox
    command: ["sleep", "600"]
    network_mode: none
    volumes_from: ["db:ro"]
volumes:
  dbdata:
    labels: {tier: data}
`;

describe('volumes with real containers', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const run = (...args: string[]): Promise<string> => netctl('run', '--network', 'none', ...args);
  const volumes = async (): Promise<string[]> => (await netctl('volume', 'ls', '-q')).split('\n').filter(Boolean);
  const compose = (...args: string[]) =>
    sb.exec(['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', APP, process.execPath, NETCTL, 'compose', ...args], {
      timeoutMs: 90_000,
    });
  const composeOk = async (...args: string[]): Promise<string> => {
    const r = await compose(...args);
    if (r.code !== 0) throw new Error(`compose ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** The rows the db service has written, once there are more than `than`. */
  const rowsAfter = async (than: number): Promise<number> => {
    for (let i = 0; i < 100; i++) {
      const r = await sb.netctl(['exec', 'vt-reader-1', 'cat', '/var/lib/db/rows']);
      const n = r.code === 0 ? r.stdout.split('\n').filter((l) => l === 'row').length : 0;
      if (n > than) return n;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`no more than ${than} rows`);
  };
  const state = async (): Promise<string> =>
    `${await netctl('ps', '-a', '--json')}${await netctl('volume', 'ls', '--json')}`;

  beforeAll(async () => {
    sb = await Sandbox.start({});
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['sh', makeSeeded, IMG]);
    await netctl('image', 'import', `${IMG}/busybox-tar.tar`, 'busybox');
    await netctl('image', 'load', '-i', `${IMG}/seeded.tar`);
  }, 120_000);
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', BASE]);
    await sb?.close();
  });

  it('creates, lists, inspects and removes volumes; --dry-run changes nothing', async () => {
    const before = await state();
    expect(await netctl('volume', 'create', '--dry-run', 'plain')).toContain('record volume plain');
    expect(await run('--dry-run', '-v', 'fresh:/x', 'busybox', 'true')).toContain('create volume fresh');
    expect(await state()).toBe(before);
    expect((await netctl('volume', 'create', '--label', 'app=db', 'plain')).trim()).toBe('plain');
    // Created again with the same options: the same volume, as in Docker.
    expect((await netctl('volume', 'create', '--label', 'app=db', 'plain')).trim()).toBe('plain');
    const [v] = JSON.parse(await netctl('volume', 'inspect', 'plain')) as {
      Name: string;
      Mountpoint: string;
      Labels: object;
      Driver: string;
    }[];
    expect(v).toMatchObject({ Name: 'plain', Driver: 'local', Labels: { app: 'db' } });
    expect(v!.Mountpoint).toMatch(/\/volumes\/plain\/_data$/);
    await sb.sh(['test', '-d', v!.Mountpoint]);
    expect(await netctl('volume', 'ls')).toMatch(/local\s+plain/);
    const anon = (await netctl('volume', 'create')).trim();
    expect(anon).toMatch(/^[0-9a-f]{64}$/);
    expect(await netctl('volume', 'rm', '--dry-run', 'plain')).toContain('remove volume plain');
    expect(await volumes()).toContain('plain');
    await netctl('volume', 'rm', 'plain', anon);
    expect(await volumes()).toEqual([]);
    await sb.exec(['test', '!', '-e', v!.Mountpoint]).then((r) => expect(r.code).toBe(0));
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = await state();
    for (const args of [
      ['volume', 'create', '_bad'],
      ['volume', 'create', '-o', 'type=ext4', 'x1'],
      ['volume', 'create', '-o', 'colour=red', 'x1'],
      ['run', '--network', 'none', '-v', '_bad:/x', 'busybox', 'true'],
      ['run', '--network', 'none', '--mount', 'type=volume,target=/x,bogus=1', 'busybox', 'true'],
      ['run', '--network', 'none', '--mount', 'type=bind,source=/nonexistent,target=/x', 'busybox', 'true'],
      ['run', '--network', 'none', '-v', 'good:/x:rx', 'busybox', 'true'],
      ['run', '--network', 'none', '--tmpfs', '/t:size=1m,bogus', 'busybox', 'true'],
      ['run', '--network', 'none', '--volumes-from', 'nosuch', 'busybox', 'true'],
      ['run', '--network', 'none', '-v', 'a1:/dup', '-v', '/tmp:/dup', 'busybox', 'true'],
    ]) {
      const r = await sb.netctl(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], args.join(' ')).toMatch(
        /_bad|ext4|colour|bogus|nonexistent|rx|nosuch|duplicate/,
      );
      expect(r.stdout).toBe('');
    }
    expect(await state()).toBe(before);
  });

  it('keeps a named volume across containers, refuses removing it while used, ro is read-only', async () => {
    await run(
      '-d',
      '--name',
      'writer',
      '-v',
      'dbdata:/var/lib/db',
      'busybox',
      'sh',
      '-c',
      'echo row1 >> /var/lib/db/rows; sleep 600',
    );
    const rm = await sb.netctl(['volume', 'rm', 'dbdata']);
    expect(rm.code).toBe(1);
    expect(rm.stderr.trim().split('\n')).toHaveLength(1);
    expect(rm.stderr).toMatch(/volume "dbdata" is in use by container writer/);
    expect(await volumes()).toContain('dbdata');
    const ro = await sb.netctl([
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      'dbdata:/d:ro',
      'busybox',
      'sh',
      '-c',
      'cat /d/rows; touch /d/x',
    ]);
    expect(ro.stdout.trim()).toBe('row1');
    expect(ro.code).not.toBe(0);
    expect(ro.stdout + ro.stderr).toMatch(/Read-only file system/);
    await netctl('rm', '-f', 'writer');
    expect((await run('--rm', '-v', 'dbdata:/d', 'busybox', 'cat', '/d/rows')).trim()).toBe('row1');
    await netctl('volume', 'rm', 'dbdata');
  });

  it('backs up and restores a data-volume container with --volumes-from, as Docker notes do', async () => {
    const pwd = `${BASE}/backup`;
    await sb.sh(['mkdir', '-p', pwd]);
    await run('-v', '/dbdata', '--name', 'dbstore', 'busybox', 'sh', '-c', 'echo precious > /dbdata/file');
    // docker run --rm --volumes-from dbstore -v $(pwd):/backup ubuntu tar cvf /backup/backup.tar /dbdata
    await run(
      '--rm',
      '--volumes-from',
      'dbstore',
      '-v',
      `${pwd}:/backup`,
      'busybox',
      'tar',
      'cvf',
      '/backup/backup.tar',
      '/dbdata',
    );
    expect(await sb.sh(['tar', 'tf', `${pwd}/backup.tar`])).toContain('dbdata/file');
    await run('-v', '/dbdata', '--name', 'dbstore2', 'busybox', 'true');
    await run(
      '--rm',
      '--volumes-from',
      'dbstore2',
      '-v',
      `${pwd}:/backup`,
      'busybox',
      'sh',
      '-c',
      'cd / && tar xvf /backup/backup.tar',
    );
    expect((await run('--rm', '--volumes-from', 'dbstore2:ro', 'busybox', 'cat', '/dbdata/file')).trim()).toBe(
      'precious',
    );
    const [c] = JSON.parse(await netctl('inspect', 'dbstore2')) as {
      Mounts: { Type: string; Destination: string; Name: string; RW: boolean }[];
    }[];
    expect(c!.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/dbdata', RW: true })]);
    // rm -v takes the anonymous volume along; plain rm leaves it for prune.
    const n = (await volumes()).length;
    await netctl('rm', '-v', 'dbstore2');
    expect(await volumes()).toHaveLength(n - 1);
    await netctl('rm', 'dbstore');
    expect(await volumes()).toHaveLength(n - 1);
    expect((await netctl('volume', 'prune')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(await volumes()).toHaveLength(n - 2);
  });

  it("fills a new volume from the image's files, and --rm takes its anonymous volumes", async () => {
    const n = (await volumes()).length;
    // The image's VOLUME /data: an anonymous volume, filled, owner and mode kept.
    expect(await run('--rm', 'test/seeded:v1', 'sh', '-c', 'cat /data/seed.txt; stat -c "%u %a" /data')).toBe(
      'seeded\n65534 750\n',
    );
    expect(await volumes()).toHaveLength(n);
    await run('--rm', '-v', 'seedvol:/data', 'test/seeded:v1', 'true');
    expect((await run('--rm', '-v', 'seedvol:/mnt', 'busybox', 'cat', '/mnt/seed.txt')).trim()).toBe('seeded');
    expect(await run('--rm', '-v', 'emptyvol:/data:nocopy', 'test/seeded:v1', 'ls', '-A', '/data')).toBe('');
    await netctl('volume', 'rm', 'seedvol', 'emptyvol');
  });

  it('mounts tmpfs (--tmpfs, --mount, a tmpfs volume) and bind volumes', async () => {
    const mounts = await run(
      '--rm',
      '--tmpfs',
      '/scratch:size=1m',
      '--mount',
      'type=tmpfs,target=/t2,tmpfs-mode=1700',
      'busybox',
      'grep',
      'tmpfs /',
      '/proc/mounts',
    );
    expect(mounts).toMatch(/tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,\S*size=1024k/);
    expect(mounts).toMatch(/tmpfs \/t2 tmpfs \S*mode=1700/);
    await netctl('volume', 'create', '-o', 'type=tmpfs', '-o', 'o=size=2m', 'shm1');
    await run('-d', '--name', 't1', '-v', 'shm1:/s', 'busybox', 'sh', '-c', 'echo shared > /s/f; sleep 600');
    expect(
      await run('--rm', '-v', 'shm1:/s', 'busybox', 'sh', '-c', 'sleep 0.2; cat /s/f; grep " /s " /proc/mounts'),
    ).toMatch(/shared\ntmpfs \/s tmpfs/);
    await netctl('rm', '-f', 't1');
    await netctl('volume', 'rm', 'shm1');
    const dev = `${BASE}/device`;
    await sb.sh(['mkdir', '-p', dev]);
    await netctl('volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${dev}`, 'bound');
    await run('--rm', '-v', 'bound:/b', 'busybox', 'sh', '-c', 'echo through > /b/f');
    expect((await sb.sh(['cat', `${dev}/f`])).trim()).toBe('through');
    await netctl('volume', 'rm', 'bound');
    expect((await sb.sh(['cat', `${dev}/f`])).trim()).toBe('through');
    // -v makes a missing host directory, as Docker's -v does (--mount refuses it, above).
    await run('--rm', '-v', `${BASE}/made/here:/m:ro,Z`, 'busybox', 'true');
    await sb.sh(['test', '-d', `${BASE}/made/here`]);
  });

  it('compose: a named volume survives down/up and a recreate, goes with down -v', async () => {
    mkdirSync(APP, { recursive: true });
    writeFileSync(`${APP}/compose.yaml`, appFile(1));
    const before = await state();
    const dry = await composeOk('up', '-d', '--dry-run');
    expect(dry).toMatch(/vt-db-1: create volume vt_dbdata/);
    expect(dry).toContain(`vt-db-1: create host directory ${APP}/conf`);
    expect(await state()).toBe(before);
    await sb.exec(['test', '!', '-e', `${APP}/conf`]).then((r) => expect(r.code).toBe(0));
    await composeOk('up', '-d');
    // The bind source ./conf did not exist: made, as compose makes it (it failed with 125).
    await sb.sh(['test', '-d', `${APP}/conf`]);
    const [v] = JSON.parse(await netctl('volume', 'inspect', 'vt_dbdata')) as { Labels: Record<string, string> }[];
    expect(v!.Labels).toMatchObject({
      tier: 'data',
      'com.docker.compose.project': 'vt',
      'com.docker.compose.volume': 'dbdata',
    });
    const mounts = await netctl('exec', 'vt-db-1', 'grep', '-E', ' /(run/db|cache|etc/db) ', '/proc/mounts');
    expect(mounts).toMatch(/tmpfs \/run\/db tmpfs \S*size=1024k/);
    expect(mounts).toMatch(/tmpfs \/cache tmpfs/);
    expect(mounts).toMatch(/ \/etc\/db \S+ ro,/);
    const ro = await sb.netctl(['exec', 'vt-reader-1', 'touch', '/var/lib/db/x']);
    expect(ro.code).not.toBe(0);
    const first = await rowsAfter(1);
    await composeOk('down');
    expect(await volumes()).toContain('vt_dbdata');
    await composeOk('up', '-d');
    const second = await rowsAfter(first);
    // down left the first anonymous /scratch volume (as compose does); up made another.
    const anonymous = async (): Promise<string[]> => (await volumes()).filter((n) => /^[0-9a-f]{64}$/.test(n));
    const kept = await anonymous();
    expect(kept).toHaveLength(2);
    // A recreate (the config changed) keeps the named volume and the anonymous one.
    writeFileSync(`${APP}/compose.yaml`, appFile(2));
    expect(await composeOk('up', '-d')).toMatch(/container vt-db-1 recreated/);
    await rowsAfter(second);
    expect(await anonymous()).toEqual(kept);
    const down = await composeOk('down', '-v');
    expect(down).toMatch(/volume vt_dbdata removed/);
    expect(await volumes()).not.toContain('vt_dbdata');
    expect(await anonymous()).toHaveLength(1);
    await netctl('volume', 'prune');
  });

  it('compose: a bad file is refused with its line, a failed action exits 1', async () => {
    const before = await state();
    writeFileSync(`${APP}/compose.yaml`, 'services:\n  db:\n    image: busybox\n    volumes: ["nodecl:/d"]\n');
    const bad = await compose('up', '-d');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/compose\.yaml:4: .*volume "nodecl" is not defined/);
    writeFileSync(
      `${APP}/compose.yaml`,
      'services:\n  db:\n    image: busybox\n    network_mode: none\n    command: ["/nonexistent"]\n',
    );
    const failed = await compose('up', '-d');
    expect(failed.code).toBe(1);
    expect(await state()).toBe(before);
  });
});
