import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SystemError, wrap } from '../../../src/errors.js';
import { undecodable } from '../../../src/ops/pull-layer.js';

function zlibError(): Error {
  try {
    gunzipSync(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]));
  } catch (err) {
    return err as Error;
  }
  throw new Error('gunzip took bad bytes');
}

describe('a pulled blob gunzip refuses', () => {
  it('is told from other unpack failures, through the wrappers', () => {
    expect(undecodable(zlibError())).toBe(true);
    expect(undecodable(wrap('unpack layer', 'sha256:x', zlibError()))).toBe(true);
    expect(undecodable(new SystemError('tar exited 2: refused member ../x'))).toBe(false);
    expect(undecodable(wrap('unpack layer', 'sha256:x', new SystemError('no')))).toBe(false);
    expect(undecodable(undefined)).toBe(false);
  });
});
