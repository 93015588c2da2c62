import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { streamed } from '../../../src/ops/pull-layer.js';
import { decompressedFrom } from '../../../src/runtime/image-layer.js';

async function* chunks(buf: Buffer, size: number, fail?: Error): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
  if (fail) throw fail;
}

async function all(r: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const tar = Buffer.alloc(64 * 1024, 'netctl ');

describe('layers unpacked as they download', () => {
  it('streams gzip and plain tars, other compressions from a file', () => {
    expect(streamed('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe(true);
    expect(streamed('application/vnd.oci.image.layer.v1.tar+gzip')).toBe(true);
    expect(streamed('application/vnd.oci.image.layer.v1.tar')).toBe(true);
    expect(streamed('application/vnd.oci.image.layer.v1.tar+zstd')).toBe(false);
  });

  it('gunzips by the first bytes, in whatever chunks the blob arrives', async () => {
    expect((await all(await decompressedFrom(chunks(gzipSync(tar), 7)))).equals(tar)).toBe(true);
    expect((await all(await decompressedFrom(chunks(tar, 1000)))).equals(tar)).toBe(true);
  });

  it("fails the stream with the download's own error", async () => {
    const cut = new Error('connection ended after 100 of 200 bytes');
    const gz = gzipSync(tar);
    await expect(all(await decompressedFrom(chunks(gz.subarray(0, 100), 10, cut)))).rejects.toThrow(cut.message);
  });

  it('refuses a zstd blob and stops reading it', async () => {
    let closed = false;
    async function* zstd(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
        yield Buffer.alloc(10);
      } finally {
        closed = true;
      }
    }
    await expect(decompressedFrom(zstd())).rejects.toThrow('a zstd layer cannot be unpacked as it downloads');
    expect(closed).toBe(true);
  });
});
