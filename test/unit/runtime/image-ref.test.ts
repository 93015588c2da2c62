import { describe, expect, it } from 'vitest';
import { normalizeImageRef, parseImageRef } from '../../../src/runtime/image-ref.js';

describe('image references', () => {
  it.each([
    ['busybox', 'busybox:latest'],
    ['busybox:1.36', 'busybox:1.36'],
    ['docker.io/library/busybox:1', 'busybox:1'],
    ['docker.io/me/app', 'me/app:latest'],
    ['localhost:5000/team/app:v1.2-rc_3', 'localhost:5000/team/app:v1.2-rc_3'],
    ['registry.example.com/a__b/c-d.e', 'registry.example.com/a__b/c-d.e:latest'],
  ])('normalizes %s to %s', (given, want) => {
    expect(normalizeImageRef(given)).toBe(want);
  });

  it.each([
    'Busybox',
    'bad!name',
    'a/',
    '/a',
    'a:',
    'a:bad/tag',
    'a::b',
    '',
    'x@sha256:abcd',
    `${'a'.repeat(256)}`,
    `a:${'t'.repeat(129)}`,
  ])('refuses %j with a usage error', (bad) => {
    expect(() => parseImageRef(bad)).toThrow(expect.objectContaining({ code: 'usage', exitCode: 2 }) as Error);
  });

  it('splits name and tag at the last colon after the last slash', () => {
    expect(parseImageRef('host:5000/app')).toEqual({ name: 'host:5000/app', tag: 'latest' });
  });
});
