/**
 * The image verbs' dry runs through ops/ with a fake Host: the same refusals as the real
 * verbs, a plan of what they would do, and nothing written under the state root.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { planImportImage, planLoadImages, planRemoveImage } from '../../../src/ops/image.js';
import { plannedSignals } from '../../../src/runtime/launch.js';
import type { LauncherState } from '../../../src/runtime/state.js';
import { fakeOpsHost } from './fake-host.js';

const ID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/** A root with images ID (named busybox:latest and busybox:1) and OTHER (named other:latest). */
function withImages() {
  const f = fakeOpsHost();
  const images = join(f.paths.root, 'images');
  for (const id of [ID, OTHER]) {
    mkdirSync(join(images, id, 'rootfs'), { recursive: true });
    const record = { id, created: '2026-01-01T00:00:00.000Z', source: 'import', config: {} };
    writeFileSync(join(images, id, 'config.json'), JSON.stringify(record));
  }
  const index = { 'busybox:latest': ID, 'busybox:1': ID, 'other:latest': OTHER };
  writeFileSync(join(images, 'index.json'), JSON.stringify(index));
  // rm asks the database whether a container uses the image: opened here, before any snapshot.
  f.host.store();
  return { ...f, images };
}

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('ops: image dry runs', () => {
  it('plans an import of a directory and of an archive, writing nothing', async () => {
    const { host, paths, images } = withImages();
    const before = tree(paths.root);
    const src = mkdtempSync(join(tmpdir(), 'netctl-src-'));
    const dir = await planImportImage(host, src, 'docker.io/library/new:1');
    // A directory is packed into one layer tar; an archive is the layer itself (no process).
    const packed = `${images}/.tmp-import-RANDOM/layer.tar`;
    expect(dir.processes).toEqual([
      ['tar', '-c', '-f', packed, '-C', src, '--numeric-owner', '--xattrs', '--xattrs-include=*', '.'],
    ]);
    expect(dir.notes).toContain('tag it new:1');
    expect(dir.notes!.join('\n')).toMatch(/sha256 of the image config/);
    expect(dir.notes!.join('\n')).toContain(`unpack ${packed} once as a layer into ${paths.root}/layers/DIFFID`);
    writeFileSync(join(src, 'x.tar'), '');
    const tar = await planImportImage(host, join(src, 'x.tar'), 'busybox');
    expect(tar.processes).toEqual([]);
    expect(tar.notes!.join('\n')).toContain(`unpack ${join(src, 'x.tar')} once as a layer`);
    expect(tar.notes).toContain(`point busybox:latest at it instead of sha256:${ID} (that image stays stored)`);
    expect(tree(paths.root)).toEqual(before);
    host.close();
  });

  it('refuses what import refuses: a bad name, a missing source, a terminal', async () => {
    const { host } = withImages();
    await expect(planImportImage(host, '/nonexistent', 'Bad!')).rejects.toThrow(/invalid image name "Bad!"/);
    await expect(planImportImage(host, '/nonexistent/x.tar', 'x')).rejects.toThrow(
      'import "/nonexistent/x.tar": file or directory "/nonexistent/x.tar" not found',
    );
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    await expect(planImportImage(host, tty, 'x')).rejects.toThrow(
      /import "-": refusing to read an archive from a terminal/,
    );
    host.close();
  });

  it('plans a load without unpacking: the ids are said to be unknown until then', async () => {
    const { host, paths, images } = withImages();
    const before = tree(paths.root);
    const file = join(mkdtempSync(join(tmpdir(), 'netctl-src-')), 'save.tar');
    writeFileSync(file, '');
    const plan = await planLoadImages(host, file);
    expect(plan.processes![0]!.slice(0, 6)).toEqual([
      'tar',
      '-x',
      '-f',
      file,
      '-C',
      `${images}/.tmp-load-RANDOM/archive`,
    ]);
    expect(plan.notes!.join('\n')).toMatch(/known only once the archive is unpacked/);
    const stdin = await planLoadImages(host, Readable.from([]));
    expect(stdin.notes![0]).toBe(`read the archive from stdin into ${images}/.tmp-load-RANDOM/input.tar`);
    await expect(planLoadImages(host, '/nonexistent.tar')).rejects.toThrow(
      'load "/nonexistent.tar": file "/nonexistent.tar" not found',
    );
    await expect(planLoadImages(host, images)).rejects.toThrow(`cannot load "${images}": not a file`);
    expect(tree(paths.root)).toEqual(before);
    host.close();
  });

  it('plans rm: untag only while another name is left, delete with the last; unknown refused', async () => {
    const { host, paths, images } = withImages();
    const before = tree(paths.root);
    expect((await planRemoveImage(host, 'busybox')).notes).toEqual(['untag busybox:latest']);
    expect((await planRemoveImage(host, 'other')).notes).toEqual([
      'untag other:latest',
      `delete image sha256:${OTHER} (${images}/${OTHER})`,
    ]);
    expect((await planRemoveImage(host, ID.slice(0, 12))).notes).toEqual([
      'untag busybox:latest',
      'untag busybox:1',
      `delete image sha256:${ID} (${images}/${ID})`,
    ]);
    await expect(planRemoveImage(host, 'nosuch')).rejects.toThrow('image "nosuch" not found');
    expect(tree(paths.root)).toEqual(before);
    host.close();
  });
});

describe('plannedSignals', () => {
  const st = (s: Partial<LauncherState>): LauncherState => ({
    status: 'running',
    monitorPid: 0x3fffff,
    pid: 0x3ffffe,
    restartCount: 0,
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    signal: null,
    error: null,
    ...s,
  });

  it('sends nothing to an exited or unknown container', () => {
    expect(plannedSignals(null, 10_000)).toEqual([]);
    expect(plannedSignals(st({ status: 'exited' }), 10_000)).toEqual([]);
  });

  it('skips SIGTERM when the monitor is gone, and says when SIGKILL comes', () => {
    expect(plannedSignals(st({}), 2500)).toEqual([
      `send SIGKILL to its process (pid ${0x3ffffe}) if it still runs after 2.5s`,
    ]);
  });
});
