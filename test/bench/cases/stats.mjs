// `netctl stats --no-stream --json` at 1, 10 and 50 running containers: the time beyond its
// one-second sampling interval (the CLI's start, the database, and two readings of every
// container's cgroup and netns counters). Containers run `sleep` with --network none, so the
// network's setup does not weigh on the bench. Runs in the bench sandbox (private cgroup parent).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const INTERVAL_MS = 1000;

function cli(...args) {
  const r = spawnSync(process.execPath, [netctl, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

let running = 0;
function ensureImage() {
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  const dir = mkdtempSync('/run/bench-stats-');
  const img = join(dir, 'img');
  mkdirSync(join(img, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(img, 'bin/busybox'));
  symlinkSync('busybox', join(img, 'bin/sleep'));
  const r = spawnSync('tar', ['-C', img, '-cf', `${img}.tar`, '.']);
  if (r.status !== 0) throw new Error('tar failed');
  cli('image', 'import', `${img}.tar`, 'statsbox');
}

function scaleTo(n) {
  if (running === 0) ensureImage();
  for (; running < n; running++)
    cli('run', '-d', '--name', `st${running}`, '--network', 'none', 'statsbox', 'sleep', '3600');
}

function statsCase(n, last) {
  return {
    name: `stats --no-stream, ${n} container${n > 1 ? 's' : ''}`,
    iterations: 5,
    setup: () => scaleTo(n),
    run: () => {
      const t0 = process.hrtime.bigint();
      const rows = JSON.parse(cli('stats', '--no-stream', '--json'));
      if (rows.length !== n) throw new Error(`${rows.length} rows for ${n} containers`);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6 - INTERVAL_MS;
      return { ms, note: 'beyond the 1 s sampling interval' };
    },
    teardown: last ? () => cli('rm', '-f', ...Array.from({ length: running }, (_, i) => `st${i}`)) : undefined,
  };
}

export const cases = [statsCase(1), statsCase(10), statsCase(50, true)];
