/**
 * Layer merging on a real filesystem (a temporary directory): whiteouts, opaque
 * directories, replacement rules, and symlinks that must not lead out of the rootfs.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeLayer, resolveInRoot } from '../../src/runtime/layer-merge.js';

let base: string;
let root: string;
let layer: string;

/** Creates files (content strings), directories (`/` suffix) and symlinks (`-> target`). */
function make(dir: string, spec: string[]): void {
  for (const s of spec) {
    const [path, target] = s.split(' -> ');
    const full = `${dir}/${path!.replace(/\/$/, '')}`;
    mkdirSync(full.slice(0, full.lastIndexOf('/')), { recursive: true });
    if (target !== undefined) symlinkSync(target, full);
    else if (path!.endsWith('/')) mkdirSync(full, { recursive: true });
    else writeFileSync(full, path!);
  }
}

function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const rel = `${prefix}${e.name}`;
      if (e.isSymbolicLink()) return [`${rel} -> ${readlinkSync(`${dir}/${e.name}`)}`];
      if (e.isDirectory()) return [`${rel}/`, ...tree(`${dir}/${e.name}`, `${rel}/`)];
      return [rel];
    });
}

beforeEach(() => {
  base = mkdtempSync(`${tmpdir()}/netctl-merge-`);
  root = `${base}/rootfs`;
  layer = `${base}/layer`;
  mkdirSync(root);
  mkdirSync(layer);
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('mergeLayer', () => {
  it('applies whiteouts and opaque directories to the layers below only', () => {
    make(root, ['etc/gone', 'etc/keep', 'opt/dir/x', 'opt/dir/sub/y', 'var/cache/', 'var/cache/big']);
    make(layer, ['etc/.wh.gone', 'opt/dir/.wh..wh..opq', 'opt/dir/z', 'var/.wh.cache', 'new/.wh.nothing', 'new/file']);
    mergeLayer(layer, root, new Set(['etc', 'opt', 'opt/dir', 'var', 'new']));
    expect(tree(root)).toEqual(['etc/', 'etc/keep', 'new/', 'new/file', 'opt/', 'opt/dir/', 'opt/dir/z', 'var/']);
  });

  it('replaces a directory by a file and a file by a directory, and merges directories', () => {
    make(root, ['a/inside', 'b', 'c/old']);
    make(layer, ['a', 'b/now-a-dir', 'c/new']);
    mergeLayer(layer, root, new Set(['b', 'c']));
    expect(tree(root)).toEqual(['a', 'b/', 'b/now-a-dir', 'c/', 'c/new', 'c/old']);
    expect(readFileSync(`${root}/a`, 'utf8')).toBe('a');
  });

  it('writes through a directory symlink the layer does not name, and replaces one it does', () => {
    make(root, ['usr/lib/', 'lib64 -> usr/lib', 'lib -> usr/lib']);
    make(layer, ['lib64/through-link', 'lib/replaced']);
    mergeLayer(layer, root, new Set(['lib']));
    expect(tree(root)).toEqual([
      'lib/',
      'lib/replaced',
      'lib64 -> usr/lib',
      'usr/',
      'usr/lib/',
      'usr/lib/through-link',
    ]);
  });

  it('never follows a symlink out of the rootfs', () => {
    const outside = `${base}/outside`;
    mkdirSync(outside);
    make(root, ['abs -> /', `rel -> ../../../../../../..${outside}`, 'dots -> ../..']);
    make(layer, ['abs/etc/pwned', 'rel/pwned', 'dots/pwned2']);
    mergeLayer(layer, root, new Set());
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync('/etc/pwned')).toBe(false);
    expect(existsSync(`${root}/etc/pwned`)).toBe(true);
    expect(lstatSync(`${root}/pwned2`).isFile()).toBe(true);
    // `rel` points at a path that does not exist inside the rootfs: the link is replaced.
    expect(lstatSync(`${root}/rel`).isDirectory()).toBe(true);
  });
});

describe('resolveInRoot', () => {
  it('resolves absolute and relative links as if the rootfs were /', () => {
    make(root, ['usr/lib/', 'lib -> /usr/lib', 'up -> ../../..', 'loop -> loop']);
    expect(resolveInRoot(root, `${root}/lib/x`)).toBe(`${root}/usr/lib/x`);
    expect(resolveInRoot(root, `${root}/up/usr`)).toBe(`${root}/usr`);
    expect(() => resolveInRoot(root, `${root}/loop/x`)).toThrow('too many symbolic links');
  });
});
