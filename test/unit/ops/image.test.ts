/**
 * The image verbs through ops/ with a fake Host: images live under its `--root` alone.
 */
import { describe, expect, it } from 'vitest';
import { listImages, normalizeImageRef, removeImage } from '../../../src/ops/image.js';
import { fakeOpsHost } from './fake-host.js';

describe('ops: images', () => {
  it('lists nothing and removes nothing under an empty root', async () => {
    const { host } = fakeOpsHost();
    expect(await listImages(host)).toEqual([]);
    await expect(removeImage(host, 'busybox')).rejects.toThrow(/busybox/);
    host.close();
  });

  it('normalizes the names it is given', () => {
    expect(normalizeImageRef('busybox')).toMatch(/busybox:latest$/);
  });
});
