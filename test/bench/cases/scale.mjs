// Flat cost at scale (issue 28), netctl beside Docker 20.10 (Debian's dockerd, private to the
// bench sandbox) in the same run:
//  - one network at 1, 100, 300 and 1000 containers, each publishing a port: `run -d`,
//    `allow` (netctl only: Docker has none), `ps` and `rm -f` of one more container;
//  - 1, 50, 100 and 200 networks: `network create` of one more, and `run -d` on it;
//  - 1, 1000 and 5000 allow rules: `allow` of one more; at the last level `ufw status`,
//    `netctl ufw status` and the TUI's first render.
// Sampling design, for 2 shared cores: at each level the structure is filled to one below it
// quickly (NETCTL_BENCH_FILL parallel commands, untimed), then SAMPLES operations are timed,
// each one taken back so the level stays put; the medians are compared (goal: the last level
// within 1.1x of the first, and each at most half of Docker's at the same level). Each operation
// gives wall and CPU time (`op cpu`: every process of the sandbox, Docker's daemons included).
// Levels: NETCTL_BENCH_SCALE=1,100,300,1000, NETCTL_BENCH_NETS=1,50,100,200,
// NETCTL_BENCH_RULES=1,1000,5000; NETCTL_BENCH_SCALE_DOCKER=0 leaves Docker out.
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxCpuMs } from '../cpu.mjs';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const scripts = fileURLToPath(new URL('../../integration/scripts/', import.meta.url));
const levels = (env, dflt) => (process.env[env] || dflt).split(',').map(Number);
const COUNTS = levels('NETCTL_BENCH_SCALE', '1,100,300,1000');
const NETS = levels('NETCTL_BENCH_NETS', '1,50,100,200');
const RULES = levels('NETCTL_BENCH_RULES', '1,1000,5000');
const SAMPLES = Number(process.env.NETCTL_BENCH_SAMPLES ?? 5);
const FILL = Number(process.env.NETCTL_BENCH_FILL ?? 4);
const WITH_DOCKER = process.env.NETCTL_BENCH_SCALE_DOCKER !== '0' && existsSync('/usr/sbin/dockerd');
const DIR = '/run/bench-docker-scale';
const HOST = `unix://${DIR}/docker.sock`;
const IMAGE = 'netctl-test/busybox';

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}
const tools = {
  netctl: (...a) => [process.execPath, netctl, ...a],
  docker: (...a) => ['/usr/bin/docker', '-H', HOST, ...a],
};
const env = { ...process.env, HOME: '/tmp' };
const run = (argv) => sh(argv, { env });
/** MemAvailable in MiB: the fill stops before 1000 containers could starve the shared machine. */
function memAvailableMiB() {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.POSITIVE_INFINITY;
}
const MIN_FREE_MIB = Number(process.env.NETCTL_BENCH_MIN_FREE_MIB ?? 3072);
/** Runs argv lists, `FILL` at a time, untimed (refused when memory runs low). */
async function fill(argvs) {
  const one = (argv) =>
    new Promise((resolve, reject) =>
      execFile(argv[0], argv.slice(1), { env, timeout: 120_000 }, (err, _o, e) =>
        err ? reject(new Error(`${argv.join(' ')}: ${e || err.message}`)) : resolve(),
      ),
    );
  for (let i = 0; i < argvs.length; i += FILL) {
    if (memAvailableMiB() < MIN_FREE_MIB) throw new Error(`fill stopped: less than ${MIN_FREE_MIB} MiB available`);
    await Promise.all(argvs.slice(i, i + FILL).map(one));
  }
}
/** The CPU time of the last timed() call, ms. */
let lastCpu = 0;
/** Wall time of argv, ms; its CPU time (all processes of the sandbox) in lastCpu. */
function timed(argv) {
  const c0 = sandboxCpuMs();
  const t0 = process.hrtime.bigint();
  run(argv);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  lastCpu = sandboxCpuMs() - c0;
  return wall;
}
/** timed(), pushing the wall time to s[key] and the CPU time to s[`${key} cpu`]. */
function sample(s, key, argv) {
  (s[key] ??= []).push(timed(argv));
  (s[`${key} cpu`] ??= []).push(lastCpu);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let image;
function netctlImage() {
  if (image) return;
  const dir = mkdtempSync('/run/bench-scale-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  for (const a of ['sh', 'sleep']) symlinkSync('busybox', join(dir, 'bin', a));
  sh(['tar', '-C', dir, '-cf', `${dir}.tar`, '.']);
  run(tools.netctl('image', 'import', `${dir}.tar`, 'scalebox'));
  image = 'scalebox';
}

let dockerUp = false;
function startDocker() {
  if (!WITH_DOCKER || dockerUp) return;
  globalThis.netctlBenchDockerStop?.();
  // No docker-proxy: 1000 published ports would be 2000 proxy processes (netctl runs none either).
  sh(['sh', `${scripts}dockerd.sh`, DIR, '--userland-proxy=false']);
  sh(['sh', `${scripts}docker-image.sh`, `${DIR}/img`]);
  run(tools.docker('load', '-i', `${DIR}/img/busybox-docker.tar`));
  dockerUp = true;
}
function stopDocker() {
  if (!dockerUp) return;
  const ids = run(tools.docker('ps', '-aq')).split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 100) run(tools.docker('rm', '-f', ...ids.slice(i, i + 100)));
  const gone = 'kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status 2>/dev/null && exit 0';
  sh(['sh', '-c', `p=$(cat ${DIR}/docker.pid) && kill $p && for i in $(seq 300); do ${gone}; sleep 0.1; done; exit 1`]);
  for (const link of sh(['ip', '-o', 'link', 'show', 'type', 'bridge']).matchAll(/^\d+: ((?:docker0|br-)[^:@]*)/gm))
    sh(['ip', 'link', 'del', link[1]]);
  dockerUp = false;
}

const tools4 = () => (WITH_DOCKER ? ['netctl', 'docker'] : ['netctl']);
const ratioNote = (rows, ops) =>
  ops
    .map((op) => {
      const parts = tools4().map((t) => {
        const xs = rows.filter((r) => r.tool === t && r[op] !== undefined);
        if (xs.length === 0) return '';
        const each = xs.map((r) => `${r.level}:${r[op].toFixed(0)}`).join(' ');
        return `${t} ${each} (${(xs.at(-1)[op] / xs[0][op]).toFixed(2)}x)`;
      });
      const last = rows.filter((r) => r[op] !== undefined).slice(-2);
      const vs =
        WITH_DOCKER && last.length === 2 && last[0].tool !== last[1].tool
          ? `; netctl/docker at ${last[0].level}: ${(last.find((r) => r.tool === 'netctl')[op] / last.find((r) => r.tool === 'docker')[op]).toFixed(2)}`
          : '';
      return `${op} ms ${parts.filter(Boolean).join(' | ')}${vs}`;
    })
    .join('; ');

/** One network filled level by level; per level SAMPLES of run -d, allow, ps, rm -f. */
async function containersAt(tool, rows) {
  const t = tools[tool];
  const net = `scale${tool[0]}`;
  if (tool === 'netctl') netctlImage();
  run(t('network', 'create', '--subnet', tool === 'netctl' ? '10.160.0.0/16' : '10.161.0.0/16', net));
  const img = tool === 'netctl' ? image : IMAGE;
  const runArgv = (name, port) =>
    t('run', '-d', '--name', name, '--network', net, '-p', `${port}:80`, img, 'sleep', '1000000');
  let made = 0;
  try {
    for (const level of COUNTS) {
      const todo = Array.from({ length: Math.max(0, level - 1 - made) }, (_, i) => made + i);
      await fill(todo.map((i) => runArgv(`f${i}`, 20000 + i)));
      made += todo.length;
      const s = {};
      for (let k = 0; k < SAMPLES; k++) {
        sample(s, 'run', runArgv('probe', 19000 + k));
        if (tool === 'netctl') sample(s, 'allow', t('allow', 'probe', '80'));
        sample(s, 'ps', t('ps'));
        sample(s, 'rm', t('rm', '-f', 'probe'));
      }
      const row = { tool, level };
      for (const [k, v] of Object.entries(s)) if (v.length > 0) row[k] = median(v);
      rows.push(row);
      process.stderr.write(`bench: scale ${tool} at ${level}: ${JSON.stringify(row)}\n`);
    }
  } finally {
    for (let i = 0; i < made; i += 100)
      run(t('rm', '-f', ...Array.from({ length: Math.min(100, made - i) }, (_, j) => `f${i + j}`)));
    run(t('network', 'rm', net));
  }
}

/** Networks filled level by level; per level SAMPLES of network create, run -d on it, and undo. */
async function networksAt(tool, rows) {
  const t = tools[tool];
  if (tool === 'netctl') netctlImage();
  const img = tool === 'netctl' ? image : IMAGE;
  const subnet = (i) => `10.${tool === 'netctl' ? 170 : 180}.${i}.0/24`;
  let made = 0;
  try {
    for (const level of NETS) {
      const todo = Array.from({ length: Math.max(0, level - 1 - made) }, (_, i) => made + i);
      await fill(todo.map((i) => t('network', 'create', '--subnet', subnet(i), `n${i}`)));
      made += todo.length;
      const s = {};
      for (let k = 0; k < SAMPLES; k++) {
        sample(s, 'create', t('network', 'create', '--subnet', subnet(250), 'nprobe'));
        sample(
          s,
          'run',
          t('run', '-d', '--name', 'nprobe', '--network', 'nprobe', '-p', '19500:80', img, 'sleep', '1e6'),
        );
        run(t('rm', '-f', 'nprobe'));
        run(t('network', 'rm', 'nprobe'));
      }
      const row = { tool, level };
      for (const [k, v] of Object.entries(s)) row[k] = median(v);
      rows.push(row);
      process.stderr.write(`bench: scale ${tool} networks at ${level}: ${JSON.stringify(rows.at(-1))}\n`);
    }
  } finally {
    for (let i = 0; i < made; i += 50)
      run(t('network', 'rm', ...Array.from({ length: Math.min(50, made - i) }, (_, j) => `n${i + j}`)));
  }
}

/** CPU ms of a live process and its reaped children (the polls of tmux left out). */
function processCpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}

/**
 * The TUI's first render: from its start to the first screen naming the container (wall ms),
 * the TUI process's CPU ms by then, and its CPU ms per refresh after.
 */
async function tuiFirstRender(name) {
  spawnSync('tmux', ['kill-session', '-t', 'benchscale']);
  const t0 = process.hrtime.bigint();
  sh([
    'tmux',
    'new-session',
    '-d',
    '-s',
    'benchscale',
    '-x',
    '120',
    '-y',
    '40',
    `exec ${process.execPath} ${netctl} tui`,
  ]);
  try {
    for (let i = 0; i < 3000; i++) {
      if (sh(['tmux', 'capture-pane', '-p', '-t', 'benchscale']).includes(name)) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const pid = sh(['tmux', 'display', '-p', '-t', 'benchscale', '#{pane_pid}']).trim();
        const cpu = processCpuMs(pid);
        // Then its refreshes (one a second): CPU per refresh over 5 s.
        await new Promise((r) => setTimeout(r, 5000));
        return { ms, cpu, refresh: (processCpuMs(pid) - cpu) / 5 };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the TUI did not show the container within 30 s');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', 'benchscale']);
  }
}

/** Allow rules filled level by level on one container publishing 50 ports, each port for many sources. */
async function rulesAt(rows, extra) {
  const t = tools.netctl;
  netctlImage();
  sh(['ufw', '--force', 'enable']);
  sh(['ufw', 'default', 'deny', 'routed']);
  run(t('ufw', 'install'));
  run(t('network', 'create', '--subnet', '10.190.0.0/24', 'rulesnet'));
  run(
    t('run', '-d', '--name', 'ruled', '--network', 'rulesnet', '-p', '21000-21049:21000-21049', image, 'sleep', '1e6'),
  );
  const ports = Array.from({ length: 50 }, (_, i) => String(21000 + i));
  const from = (i) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}/32`;
  let made = 0;
  let source = 0;
  try {
    for (const level of RULES) {
      // 50 rules per command: every port for one more source; the rest one rule each, each from
      // a source of its own (so no rule is made twice whatever the levels).
      const bulk = Math.floor((level - 1 - made) / 50);
      await fill(Array.from({ length: bulk }, (_, k) => t('allow', 'ruled', ...ports, '--from', from(source + k))));
      source += bulk;
      made += bulk * 50;
      for (; made < level - 1; made++) run(t('allow', 'ruled', ports[0], '--from', from(source++)));
      const s = {};
      for (let k = 0; k < SAMPLES; k++) {
        sample(s, 'allow', t('allow', 'ruled', '21000', '--from', '198.19.0.1/32'));
        run(t('deny', 'ruled', '21000', '--from', '198.19.0.1/32'));
      }
      rows.push({ tool: 'netctl', level, allow: median(s.allow), 'allow cpu': median(s['allow cpu']) });
      process.stderr.write(`bench: scale allow at rule ${level}: ${JSON.stringify(rows.at(-1))}\n`);
    }
    // Wall and CPU (ms) of each, median of 3.
    const s = {};
    for (let k = 0; k < 3; k++) {
      sample(s, 'ufw', ['ufw', 'status']);
      sample(s, 'ours', t('ufw', 'status'));
    }
    const tui = await tuiFirstRender('ruled');
    const ms = (k) => `${median(s[k]).toFixed(0)} ms (cpu ${median(s[`${k} cpu`]).toFixed(0)})`;
    extra.push(
      `at ${made + 1} rules: ufw status ${ms('ufw')}, netctl ufw status ${ms('ours')}, TUI first render ${tui.ms.toFixed(0)} ms (cpu ${tui.cpu}), then cpu ${tui.refresh.toFixed(0)} ms per 1 s refresh`,
    );
  } finally {
    run(t('rm', '-f', 'ruled'));
    run(t('network', 'rm', 'rulesnet'));
  }
}

export const cases = [
  {
    name: `scale: one network at ${COUNTS.join(', ')} containers, run -d / allow / ps / rm -f (median of ${SAMPLES} at each${WITH_DOCKER ? ', beside Docker 20.10' : ''})`,
    iterations: 1,
    warmup: 0,
    setup: () => {
      if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
      startDocker();
      return { rows: [] };
    },
    run: async (c) => {
      for (const tool of tools4()) await containersAt(tool, c.rows);
      const last = c.rows.find((r) => r.tool === 'netctl' && r.level === COUNTS.at(-1));
      return {
        ms: last.run,
        note: ratioNote(c.rows, ['run', 'run cpu', 'allow', 'allow cpu', 'ps', 'ps cpu', 'rm', 'rm cpu']),
      };
    },
  },
  {
    name: `scale: ${NETS.join(', ')} networks, network create / run -d on the newest (median of ${SAMPLES} at each)`,
    iterations: 1,
    warmup: 0,
    setup: () => ({ rows: [] }),
    run: async (c) => {
      startDocker();
      for (const tool of tools4()) await networksAt(tool, c.rows);
      const last = c.rows.find((r) => r.tool === 'netctl' && r.level === NETS.at(-1));
      return { ms: last.run, note: ratioNote(c.rows, ['create', 'create cpu', 'run', 'run cpu']) };
    },
    teardown: stopDocker,
  },
  {
    name: `scale: ${RULES.join(', ')} allow rules, allow of one more (median of ${SAMPLES} at each); ufw status, TUI`,
    iterations: 1,
    warmup: 0,
    setup: () => ({ rows: [], extra: [] }),
    run: async (c) => {
      await rulesAt(c.rows, c.extra);
      const last = c.rows.at(-1);
      return { ms: last.allow, note: `${ratioNote(c.rows, ['allow', 'allow cpu'])}; ${c.extra.join('; ')}` };
    },
  },
];
