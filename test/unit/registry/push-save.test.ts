import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../../src/model/oci-manifest.js';
import { configDocument } from '../../../src/runtime/image-blob.js';
import { emptyImageConfig } from '../../../src/runtime/image-config.js';
import { TarScanner } from '../../../src/runtime/tar-scan.js';
import { splitPieces, TarSplitter } from '../../../src/runtime/tar-split.js';

/** A ustar header for a regular file NAME of SIZE bytes. */
function header(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function tar(files: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    parts.push(header(name, data.length));
    const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
    body.write(data);
    parts.push(body);
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function split(t: Buffer, chunk: number) {
  const scanner = new TarScanner();
  const splitter = new TarSplitter();
  const kept: Buffer[] = [];
  for (let i = 0; i < t.length; i += chunk) {
    const c = t.subarray(i, i + chunk);
    kept.push(...splitter.push(scanner.push(c), c));
  }
  return { raw: Buffer.concat(kept), index: splitter.index() };
}

describe('TarSplitter', () => {
  const files: [string, string][] = [
    ['a.txt', 'hello'],
    ['./dir/b', 'x'.repeat(700)],
    ['empty', ''],
  ];
  const t = tar(files);

  it('keeps everything but file contents, and the pieces rebuild the tar, whatever the chunking', () => {
    for (const size of [1, 7, 512, 513, 100_000]) {
      const { raw, index } = split(t, size);
      expect(index.size).toBe(t.length);
      expect(raw.length).toBe(t.length - 705);
      expect(index.files.map((f) => [f[1], f[2]])).toEqual([
        [5, 'a.txt'],
        [700, 'dir/b'],
      ]);
      const contents = new Map(files.map(([n, d]) => [n.replace(/^\.\//, ''), Buffer.from(d)]));
      const rebuilt = Buffer.concat(
        splitPieces(index, raw.length).map((p) =>
          'raw' in p ? raw.subarray(p.raw, p.raw + p.len) : contents.get(p.file)!,
        ),
      );
      expect(rebuilt.equals(t)).toBe(true);
    }
  });

  it('marks a tar that writes one path twice as one it cannot rebuild', () => {
    expect(
      split(
        tar([
          ['a', '1'],
          ['a', '2'],
        ]),
        512,
      ).index.broken,
    ).toBe('"a" is written twice');
  });
});

describe('buildManifest and configDocument', () => {
  it("writes Docker's schema 2 or OCI media types", () => {
    const cfg = { digest: `sha256:${'c'.repeat(64)}`, size: 10 };
    const l = { digest: `sha256:${'d'.repeat(64)}`, size: 20, gzip: true };
    const docker = JSON.parse(buildManifest('docker', cfg, [l]).toString());
    expect(docker.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(docker.layers[0].mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    const oci = JSON.parse(buildManifest('oci', cfg, [{ ...l, gzip: false }]).toString());
    expect(oci.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(oci.layers[0].mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
  });

  it('writes an image config from a record, StopSignal included', () => {
    const config = { ...emptyImageConfig(), cmd: ['sh'], stopSignal: 'SIGQUIT', exposedPorts: ['80/tcp'] };
    const doc = configDocument({ id: 'x', created: 't', source: 'registry', config }, ['sha256:1']);
    expect(doc).toMatchObject({
      config: { Cmd: ['sh'], StopSignal: 'SIGQUIT', ExposedPorts: { '80/tcp': {} } },
      rootfs: { type: 'layers', diff_ids: ['sha256:1'] },
    });
  });
});
