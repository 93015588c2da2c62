/**
 * The cgroup layout kept for the boot (runtime/cgroup-cache.ts): the key, the kept file's
 * parse and the mount points checked. keptLayout runs against this machine's /proc and a
 * temporary file: a kept layout is believed only for this boot and mount namespace, and only
 * while its mount points are cgroup file systems.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CGROUP2_MAGIC,
  CGROUP_MAGIC,
  keptLayout,
  layoutKey,
  layoutMounts,
  parseKeptLayout,
} from '../../../src/runtime/cgroup-cache.js';
import type { CgroupLayout } from '../../../src/runtime/cgroup-plan.js';

const v1: CgroupLayout = { version: 1, mounts: { cpu: '/c/cpu,cpuacct', cpuacct: '/c/cpu,cpuacct', memory: '/c/mem' } };
const v2: CgroupLayout = { version: 2, root: '/sys/fs/cgroup', controllers: ['cpu', 'memory'] };

describe('cgroup layout kept for the boot', () => {
  it('keys by boot and mount namespace', () => {
    expect(layoutKey('abc\n', 'mnt:[1]')).toBe('abc mnt:[1]');
    expect(layoutKey('abc', 'mnt:[1]')).not.toBe(layoutKey('abc', 'mnt:[2]'));
  });

  it('believes a kept layout only under its own key', () => {
    const text = JSON.stringify({ key: 'k', layout: v2 });
    expect(parseKeptLayout(text, 'k')).toEqual(v2);
    expect(parseKeptLayout(text, 'other boot')).toBeUndefined();
    expect(parseKeptLayout(JSON.stringify({ key: 'k', layout: v1 }), 'k')).toEqual(v1);
  });

  it('takes a torn or foreign file for none', () => {
    expect(parseKeptLayout('{"key":"k","lay', 'k')).toBeUndefined();
    expect(parseKeptLayout('{"key":"k","layout":{"version":3}}', 'k')).toBeUndefined();
    expect(parseKeptLayout('{"key":"k","layout":{"version":2,"root":1}}', 'k')).toBeUndefined();
    expect(parseKeptLayout('null', 'k')).toBeUndefined();
  });

  it('checks each mount point once, with its file system type', () => {
    expect(layoutMounts(v2)).toEqual([{ dir: '/sys/fs/cgroup', magic: CGROUP2_MAGIC }]);
    expect(layoutMounts(v1)).toEqual([
      { dir: '/c/cpu,cpuacct', magic: CGROUP_MAGIC },
      { dir: '/c/mem', magic: CGROUP_MAGIC },
    ]);
  });

  describe('on this machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netctl-cgroup-cache-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const key = layoutKey(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), '');
    // The machine's real layout, looked up as detectLayout does; a test double counts the lookups.
    const counted = (layout: CgroupLayout | null) => {
      const calls = { n: 0 };
      return { calls, detect: () => (calls.n++, layout) };
    };

    it('keeps a layout whose mount points are cgroup file systems, and reads it back', () => {
      const file = join(dir, 'kept.json');
      const real: CgroupLayout = { version: 1, mounts: { memory: dir } };
      // dir is no cgroup file system: never believed, looked up again every time (and rewritten).
      const a = counted(real);
      expect(keptLayout(file, a.detect)).toEqual(real);
      expect(keptLayout(file, a.detect)).toEqual(real);
      expect(a.calls.n).toBe(2);
      expect(JSON.parse(readFileSync(file, 'utf8')).layout).toEqual(real);
    });

    it('believes a kept layout of real cgroup mounts without a lookup', () => {
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => / - cgroup2? /.test(l) && !l.split(' ')[5]?.split(',').includes('ro'));
      if (mounts.length === 0) return; // A machine without writable cgroups keeps nothing.
      const file = join(dir, 'real.json');
      const point = mounts[0]!.split(' ')[4]!;
      const layout: CgroupLayout = / - cgroup2 /.test(mounts[0]!)
        ? { version: 2, root: point, controllers: ['cpu'] }
        : { version: 1, mounts: { cpu: point } };
      const a = counted(layout);
      expect(keptLayout(file, a.detect)).toEqual(layout);
      expect(keptLayout(file, a.detect)).toEqual(layout);
      expect(a.calls.n).toBe(1);
      // Another boot's file is looked up again.
      writeFileSync(file, JSON.stringify({ key, layout }));
      expect(keptLayout(file, a.detect)).toEqual(layout);
      expect(a.calls.n).toBe(2);
      // fresh: looked up whatever is kept.
      expect(keptLayout(file, a.detect, { fresh: true })).toEqual(layout);
      expect(a.calls.n).toBe(3);
    });

    it('keeps no host without cgroups, and survives an unwritable place', () => {
      const none = counted(null);
      const file = join(dir, 'none.json');
      expect(keptLayout(file, none.detect)).toBeNull();
      expect(keptLayout(file, none.detect)).toBeNull();
      expect(none.calls.n).toBe(2);
      expect(() => readFileSync(file)).toThrow();
      const some = counted(v2);
      expect(keptLayout(join(dir, 'no/such/dir/kept.json'), some.detect)).toEqual(v2);
    });
  });
});
