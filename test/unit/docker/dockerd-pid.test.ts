import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerdPid } from '../../../src/docker/pidfile.js';

describe('dockerdPid: whether the dockerd a pid file names runs (netctl docker sync --if-down)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-dockerd-pid-'));
  const file = join(dir, 'docker.pid');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the pid of a live process named dockerd', async () => {
    // A program whose command name is dockerd: sleep, copied under that name.
    copyFileSync('/bin/sleep', join(dir, 'dockerd'));
    const p = spawn(join(dir, 'dockerd'), ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(file, `${p.pid}\n`);
      expect(dockerdPid(file)).toBe(p.pid);
    } finally {
      p.kill();
    }
  });

  it('is undefined for another program (a pid reused after a reboot), no process, no file', () => {
    writeFileSync(file, `${process.pid}\n`);
    expect(dockerdPid(file)).toBeUndefined();
    writeFileSync(file, '999999999\n');
    expect(dockerdPid(file)).toBeUndefined();
    expect(dockerdPid(join(dir, 'absent.pid'))).toBeUndefined();
  });
});
