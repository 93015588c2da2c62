import { describe, expect, it } from 'vitest';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag, parseVolumesFrom } from '../../../src/model/mount-spec.js';
import { checkVolumeName, checkVolumeOptions } from '../../../src/model/volume.js';

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect((err as { exitCode: number }).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('-v as Docker parses it', () => {
  it('tells host paths, volume names and anonymous volumes apart', () => {
    expect(parseVolumeFlag('/srv/x:/data', '/cwd', '/home/u').mount).toEqual({
      type: 'bind',
      source: '/srv/x',
      target: '/data',
      readOnly: false,
      create: true,
    });
    expect(parseVolumeFlag('./x:/data:ro', '/cwd', '/home/u').mount).toMatchObject({
      source: '/cwd/x',
      readOnly: true,
    });
    expect(parseVolumeFlag('~/x:/data', '/cwd', '/home/u').mount).toMatchObject({ source: '/home/u/x' });
    expect(parseVolumeFlag('dbdata:/var/lib/db:ro,nocopy', '/', '/').mount).toEqual({
      type: 'volume',
      name: 'dbdata',
      target: '/var/lib/db',
      readOnly: true,
      noCopy: true,
    });
    expect(parseVolumeFlag('/dbdata/', '/', '/').mount).toEqual({
      type: 'volume',
      target: '/dbdata',
      readOnly: false,
      noCopy: false,
    });
  });

  it('accepts option lists (:ro,Z) and says that Z relabels nothing', () => {
    const p = parseVolumeFlag('./x:/y:ro,Z', '/w', '/');
    expect(p.mount).toMatchObject({ type: 'bind', readOnly: true });
    expect(p.notes).toEqual([expect.stringMatching(/:Z relabels nothing/)]);
    expect(parseVolumeFlag('/a:/b:z,rprivate,cached', '/', '/').notes).toHaveLength(1);
  });

  it('refuses bad names, targets and modes with the bad value', () => {
    expect(refused(() => parseVolumeFlag('_x:/d', '/', '/'))).toMatch(/invalid volume name "_x"/);
    expect(refused(() => parseVolumeFlag('x:/d', '/', '/'))).toMatch(/invalid volume name "x"/);
    expect(refused(() => parseVolumeFlag('data:rel', '/', '/'))).toMatch(/target "rel"/);
    expect(refused(() => parseVolumeFlag('data:/', '/', '/'))).toMatch(/target "\/"/);
    expect(refused(() => parseVolumeFlag('data:/a/../b', '/', '/'))).toMatch(/without|other than/);
    expect(refused(() => parseVolumeFlag('/a:/b:ro,rw', '/', '/'))).toMatch(/repeats or contradicts/);
    expect(refused(() => parseVolumeFlag('/a:/b:nocopy', '/', '/'))).toMatch(/unknown mode "nocopy"/);
    expect(refused(() => parseVolumeFlag('/a:/b:shared', '/', '/'))).toMatch(/propagation "shared"/);
    expect(refused(() => parseVolumeFlag('a:b:c:d', '/', '/'))).toMatch(/expected/);
  });
});

describe('--mount, --tmpfs, --volumes-from', () => {
  it('parses the three types', () => {
    expect(parseMountFlag('type=bind,src=./a,dst=/b,readonly', '/w')).toEqual({
      type: 'bind',
      source: '/w/a',
      target: '/b',
      readOnly: true,
      create: false,
    });
    expect(parseMountFlag('type=volume,source=v1,target=/d,volume-opt=type=tmpfs,volume-label=a=b', '/')).toEqual({
      type: 'volume',
      name: 'v1',
      target: '/d',
      readOnly: false,
      noCopy: false,
      create: { options: { type: 'tmpfs' }, labels: { a: 'b' } },
    });
    expect(parseMountFlag('target=/anon', '/')).toMatchObject({ type: 'volume', target: '/anon' });
    expect(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=64M,tmpfs-mode=1770', '/')).toEqual({
      type: 'tmpfs',
      target: '/t',
      readOnly: false,
      options: 'size=64m,mode=1770',
    });
    expect(parseTmpfsFlag('/run:rw,noexec,size=65536k')).toEqual({
      type: 'tmpfs',
      target: '/run',
      readOnly: false,
      options: 'rw,noexec,size=65536k',
    });
    expect(parseVolumesFrom('dbdata:ro')).toEqual({ container: 'dbdata', mode: 'ro' });
    expect(parseVolumesFrom('dbdata')).toEqual({ container: 'dbdata' });
  });

  it('refuses unknown keys and bad values with one line naming them', () => {
    expect(refused(() => parseMountFlag('type=volume,target=/x,bogus=1', '/'))).toMatch(/unknown key "bogus"/);
    expect(refused(() => parseMountFlag('type=nfs,target=/x', '/'))).toMatch(/type "nfs"/);
    expect(refused(() => parseMountFlag('type=bind,target=/x', '/'))).toMatch(/needs source/);
    expect(refused(() => parseMountFlag('type=volume,src=v1', '/'))).toMatch(/target is required/);
    expect(refused(() => parseMountFlag('type=volume,target=/x,readonly=maybe', '/'))).toMatch(/"maybe"/);
    expect(refused(() => parseTmpfsFlag('/t:size=1m,exotic'))).toMatch(/unknown tmpfs option "exotic"/);
    expect(refused(() => parseVolumesFrom('a:rx'))).toMatch(/CONTAINER\[:ro\|rw\]/);
  });
});

describe('volume names and local driver options', () => {
  it('takes what Docker takes', () => {
    expect(checkVolumeName('my-vol_1.x')).toBe('my-vol_1.x');
    expect(checkVolumeOptions('t', { type: 'tmpfs', o: 'size=100m,uid=1000' })).toEqual({
      type: 'tmpfs',
      o: 'size=100m,uid=1000',
    });
    expect(checkVolumeOptions('b', { type: 'none', o: 'bind', device: '/srv/b' })).toMatchObject({ device: '/srv/b' });
    expect(refused(() => checkVolumeOptions('b', { type: 'none', device: '/srv/b' }))).toMatch(/needs o=bind/);
    expect(refused(() => checkVolumeOptions('b', { type: 'none', o: 'bind' }))).toMatch(/device=/);
    expect(refused(() => checkVolumeOptions('b', { type: 'ext4', device: '/dev/sda1' }))).toMatch(/type "ext4"/);
    expect(refused(() => checkVolumeOptions('b', { size: '1' }))).toMatch(/unknown option "size"/);
  });
});
