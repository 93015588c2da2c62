// `stats` overhead at 1, 10 and 50 running containers, netctl beside Docker 20.10 (Debian's
// dockerd, private to the bench sandbox, started as scale.mjs starts it) in the same run:
//  - `stats --no-stream`: wall time of the whole command and the CPU it costs (every process of
//    the sandbox: netctl works in its CLI process, Docker in its client and daemons). netctl
//    samples over a 1 s interval, Docker's client waits for two readings of each container;
//  - a streaming `stats` left running for WINDOW_MS: the CPU it adds per second, measured as
//    the sandbox's CPU during the window less the same window without it.
// Containers run `sleep` with --network none, so the network's setup does not weigh on it.
// NETCTL_BENCH_STATS=1,10,50 sets the levels, NETCTL_BENCH_STATS_DOCKER=0 leaves Docker out.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sandboxCpuMs } from '../cpu.mjs';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const scripts = fileURLToPath(new URL('../../integration/scripts/', import.meta.url));
const LEVELS = (process.env.NETCTL_BENCH_STATS || '1,10,50').split(',').map(Number);
const SAMPLES = Number(process.env.NETCTL_BENCH_SAMPLES ?? 5);
const WINDOW_MS = Number(process.env.NETCTL_BENCH_STATS_WINDOW_MS ?? 5000);
const WITH_DOCKER = process.env.NETCTL_BENCH_STATS_DOCKER !== '0' && existsSync('/usr/sbin/dockerd');
const DIR = '/run/bench-docker-stats';
const IMAGE = 'netctl-test/busybox';
const env = { ...process.env, HOME: '/tmp' };

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, env });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}
const tools = {
  netctl: (...a) => [process.execPath, netctl, ...a],
  docker: (...a) => ['/usr/bin/docker', '-H', `unix://${DIR}/docker.sock`, ...a],
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function netctlImage() {
  const dir = mkdtempSync('/run/bench-stats-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  symlinkSync('busybox', join(dir, 'bin/sleep'));
  sh(['tar', '-C', dir, '-cf', `${dir}.tar`, '.']);
  sh(tools.netctl('image', 'import', `${dir}.tar`, 'statsbox'));
}

let dockerUp = false;
function startDocker() {
  globalThis.netctlBenchDockerStop?.();
  sh(['sh', `${scripts}dockerd.sh`, DIR]);
  sh(['sh', `${scripts}docker-image.sh`, `${DIR}/img`]);
  sh(tools.docker('load', '-i', `${DIR}/img/busybox-docker.tar`));
  dockerUp = true;
  globalThis.netctlBenchDockerStop = stopDocker;
}
function stopDocker() {
  if (!dockerUp) return;
  const ids = sh(tools.docker('ps', '-aq')).split('\n').filter(Boolean);
  if (ids.length > 0) sh(tools.docker('rm', '-f', ...ids));
  const gone = 'kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status 2>/dev/null && exit 0';
  sh(['sh', '-c', `p=$(cat ${DIR}/docker.pid) && kill $p && for i in $(seq 300); do ${gone}; sleep 0.1; done; exit 1`]);
  for (const link of sh(['ip', '-o', 'link', 'show', 'type', 'bridge']).matchAll(/^\d+: ((?:docker0|br-)[^:@]*)/gm))
    sh(['ip', 'link', 'del', link[1]]);
  dockerUp = false;
  globalThis.netctlBenchDockerStop = undefined;
}

/** The sandbox's CPU per second over WINDOW_MS, with `argv` running through it (none: idle). */
async function cpuPerSecond(argv) {
  const child = argv
    ? spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] })
    : null;
  let err = '';
  child?.stderr.on('data', (d) => (err += d));
  // Its start (the CLI loading, the first reading) is left out: the steady cost is measured.
  await sleep(argv ? 2500 : 0);
  const c0 = sandboxCpuMs();
  const t0 = process.hrtime.bigint();
  await sleep(WINDOW_MS);
  const cpu = sandboxCpuMs() - c0;
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (child) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited ${child.exitCode}: ${err.trim()}`);
    const done = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await done;
  }
  return (cpu / wall) * 1000;
}

/** Each tool at each level: SAMPLES of `stats --no-stream` (wall, CPU), then a streaming window. */
async function measure(tool, rows) {
  const t = tools[tool];
  const img = tool === 'netctl' ? 'statsbox' : IMAGE;
  let running = 0;
  try {
    for (const n of LEVELS) {
      for (; running < n; running++)
        sh(t('run', '-d', '--name', `st${running}`, '--network', 'none', img, 'sleep', '1000000'));
      const wall = [];
      const cpu = [];
      for (let k = 0; k < SAMPLES; k++) {
        const c0 = sandboxCpuMs();
        const t0 = process.hrtime.bigint();
        const out = sh(t('stats', '--no-stream', ...(tool === 'netctl' ? ['--json'] : ['--format', '{{json .}}'])));
        wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        cpu.push(sandboxCpuMs() - c0);
        const rowsOut = tool === 'netctl' ? JSON.parse(out).length : out.trim().split('\n').length;
        if (rowsOut !== n) throw new Error(`${tool} stats: ${rowsOut} rows for ${n} containers`);
      }
      const idle = await cpuPerSecond(null);
      const streaming = await cpuPerSecond(t('stats'));
      const row = { tool, n, wall: median(wall), cpu: median(cpu), stream: Math.max(0, streaming - idle) };
      rows.push(row);
      process.stderr.write(`bench: stats ${JSON.stringify(row)}\n`);
    }
  } finally {
    for (let i = 0; i < running; i += 50)
      sh(t('rm', '-f', ...Array.from({ length: Math.min(50, running - i) }, (_, j) => `st${i + j}`)));
  }
}

const note = (rows) =>
  LEVELS.map((n) => {
    const at = rows.filter((r) => r.n === n);
    const one = (r) =>
      `${r.tool} ${r.wall.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms cpu, streaming +${r.stream.toFixed(0)} ms cpu/s`;
    return `at ${n}: ${at.map(one).join(' | ')}`;
  }).join('; ');

export const cases = [
  {
    name: `stats: --no-stream and streaming at ${LEVELS.join(', ')} containers (median of ${SAMPLES}${WITH_DOCKER ? ', beside Docker 20.10' : ''})`,
    iterations: 1,
    warmup: 0,
    setup: () => {
      if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
      netctlImage();
      if (WITH_DOCKER) startDocker();
      return { rows: [] };
    },
    run: async (c) => {
      await measure('netctl', c.rows);
      if (WITH_DOCKER) await measure('docker', c.rows);
      return { ms: c.rows.find((r) => r.tool === 'netctl' && r.n === LEVELS.at(-1)).wall, note: note(c.rows) };
    },
    teardown: stopDocker,
  },
];
