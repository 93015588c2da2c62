import { describe, expect, it } from 'vitest';
import { compressionOf, normalizeMember, parsePax, TarScanner, type TarEntry } from '../../../src/runtime/tar-scan.js';

/** A minimal tar writer for the tests: POSIX ustar headers, or old GNU ones. */
function header(name: string, type: string, size: number, opts: { prefix?: string; gnu?: boolean } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  if (opts.gnu) h.write('ustar  \0', 257, 'latin1');
  else h.write('ustar\u000000', 257, 'latin1');
  if (opts.prefix) h.write(opts.prefix, 345, 155, 'utf8');
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function member(name: string, type: string, data = '', opts: { prefix?: string; gnu?: boolean } = {}): Buffer {
  const body = Buffer.from(data);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header(name, type, body.length, opts), body, pad]);
}

function pax(records: Record<string, string>): string {
  return Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      const bytes = Buffer.byteLength(rest);
      let len = bytes + 1;
      while (String(len).length + bytes !== len) len++;
      return `${len}${rest}`;
    })
    .join('');
}

const longName = `${'d'.repeat(120)}/file`;
const archive = Buffer.concat([
  member('./etc/', '5'),
  member('./etc/.wh.gone', '0'),
  member('hosts', '0', 'x'.repeat(700), { prefix: 'etc' }),
  member('././@LongLink', 'L', `${longName}\0`, { gnu: true }),
  member('truncated', '0', 'data', { gnu: true }),
  member('PaxHeaders/x', 'x', pax({ path: 'pax/ünïcode name', mtime: '1.5' })),
  member('pax/short', '0', 'abc'),
  member('opt/dir/', '5', '', { prefix: 'ignored-by-gnu', gnu: true }),
  Buffer.alloc(1024),
  Buffer.from('trailing garbage after the end'),
]);

function scanInChunks(buf: Buffer, size: number): TarEntry[] {
  const s = new TarScanner();
  const out: TarEntry[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...s.push(buf.subarray(i, i + size)));
  s.end();
  return out;
}

describe('TarScanner', () => {
  const expected: Pick<TarEntry, 'name' | 'type'>[] = [
    { name: './etc/', type: '5' },
    { name: './etc/.wh.gone', type: '0' },
    { name: 'etc/hosts', type: '0' },
    { name: longName, type: '0' },
    { name: 'pax/ünïcode name', type: '0' },
    { name: 'opt/dir/', type: '5' },
  ];

  it.each([1, 7, 512, 100_000])('lists members with prefixes, GNU long names and PAX paths (chunks of %i)', (size) => {
    expect(scanInChunks(archive, size).map(({ name, type }) => ({ name, type }))).toEqual(expected);
  });

  it('refuses a corrupt header and an archive cut short', () => {
    const bad = Buffer.from(archive);
    bad[0] = 0x41;
    expect(() => new TarScanner().push(bad)).toThrow('bad header checksum');
    const cut = new TarScanner();
    cut.push(archive.subarray(0, 512 * 3 + 10));
    expect(() => cut.end()).toThrow('ends in the middle');
  });
});

describe('tar helpers', () => {
  it('parses PAX records', () => {
    expect(parsePax(Buffer.from(pax({ path: 'a=b/c', linkpath: 'x' })))).toEqual({ path: 'a=b/c', linkpath: 'x' });
  });

  it('recognizes compressions by their magic', () => {
    expect(compressionOf(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(compressionOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('xz');
    expect(compressionOf(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(compressionOf(Buffer.from('./etc/\0\0'))).toBe('none');
  });

  it('normalizes member names', () => {
    expect(normalizeMember('./usr//lib/')).toBe('usr/lib');
    expect(normalizeMember('/etc/./x')).toBe('etc/x');
    expect(normalizeMember('./')).toBe('');
  });
});
