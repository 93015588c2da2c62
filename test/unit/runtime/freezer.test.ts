/**
 * `ps`'s paused check (runtime/freezer.ts frozenTester): on v1 only a container `pause` gave a
 * freezer directory can be frozen, so one listing answers for the others. A temporary
 * directory stands in for the freezer hierarchy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frozenTester } from '../../../src/runtime/freezer.js';

describe('frozen containers under one listing', () => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-freezer-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = (id: string, state?: string) => {
    mkdirSync(join(root, 'netctl', id), { recursive: true });
    if (state) writeFileSync(join(root, 'netctl', id, 'freezer.state'), `${state}\n`);
  };

  it('reads the state of containers with a freezer directory, and takes the rest for thawed', () => {
    dir('a', 'FROZEN');
    dir('b', 'THAWED');
    dir('c', 'FREEZING');
    const frozen = frozenTester({ version: 1, mounts: { freezer: root } }, 'netctl');
    expect(['a', 'b', 'c', 'never-paused'].map(frozen)).toEqual([true, false, true, false]);
  });

  it('answers no for everything without a parent directory, or without a freezer', () => {
    expect(frozenTester({ version: 1, mounts: { freezer: root } }, 'other')('a')).toBe(false);
    expect(frozenTester({ version: 1, mounts: { memory: root } }, 'netctl')('a')).toBe(false);
    expect(frozenTester(null, 'netctl')('a')).toBe(false);
  });

  it("reads each v2 container's own cgroup.freeze", () => {
    mkdirSync(join(root, 'v2', 'p', 'x'), { recursive: true });
    writeFileSync(join(root, 'v2', 'p', 'x', 'cgroup.freeze'), '1\n');
    const frozen = frozenTester({ version: 2, root: join(root, 'v2'), controllers: ['cpu'] }, 'p');
    expect([frozen('x'), frozen('y')]).toEqual([true, false]);
  });
});
