// The cost of `netctl run -d` as one network fills up: the median of 5 runs when the network
// holds 1, 100, 300 and 1000 containers (goal: the last within 1.1x of the first). Before
// issue 22 every run rewrote the /etc/hosts of every container on the network (2.2x at 300);
// now a container's files are its own and names come from the embedded DNS server.
//
// Filling a network takes one `run -d` per container: the counts are a parameter,
// NETCTL_BENCH_SCALE=1,100,300 (default 1,100,300,1000). NETCTL_BENCH_CLI runs another
// build's CLI (e.g. main's, for the before numbers). Each count's line gives wall and CPU
// time (the CLI's and its children's); the CPU ratio is the one a loaded machine moves less.
// Runs in the bench sandbox.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const netctl = process.env.NETCTL_BENCH_CLI || fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const COUNTS = (process.env.NETCTL_BENCH_SCALE || '1,100,300,1000').split(',').map(Number);
const SAMPLES = 5;

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const cli = (...args) => sh([process.execPath, netctl, ...args]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function setup() {
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  const dir = mkdtempSync('/run/bench-scale-');
  const img = join(dir, 'img');
  mkdirSync(join(img, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(img, 'bin/busybox'));
  for (const a of ['sh', 'sleep']) symlinkSync('busybox', join(img, 'bin', a));
  sh(['tar', '-C', img, '-cf', `${img}.tar`, '.']);
  cli('image', 'import', `${img}.tar`, 'scalebox');
  // A /16: room for 1000 containers and more.
  cli('network', 'create', '--subnet', '10.160.0.0/16', 'scalenet');
  return { made: 0 };
}

// CPU time of this process's waited-for children (the CLI and what it waits for: iptables-
// restore...), in ms: on a shared machine it moves far less with the load than wall time.
function childCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/** One `run -d` on the network: wall and CPU time (ms). */
function runOne(ctx) {
  const t0 = process.hrtime.bigint();
  const c0 = childCpuMs();
  cli('run', '-d', '--name', `s${ctx.made}`, '--network', 'scalenet', 'scalebox', 'sleep', '1000000');
  ctx.made++;
  return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: childCpuMs() - c0 };
}

export const cases = [
  {
    name: `run -d scale: one network at ${COUNTS.join(', ')} containers (median of ${SAMPLES} runs at each)`,
    iterations: 1,
    warmup: 0,
    setup,
    run: (ctx) => {
      const at = [];
      for (const n of COUNTS) {
        // Containers n..n+SAMPLES-1 are the timed ones: the network holds n-1 when the first starts.
        while (ctx.made < n - 1) runOne(ctx);
        const runs = Array.from({ length: SAMPLES }, () => runOne(ctx));
        at.push({ n, wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) });
        process.stderr.write(`bench: run -d at ${n}: wall ${at.at(-1).wall.toFixed(0)} ms, cpu ${at.at(-1).cpu} ms\n`);
      }
      const [first, last] = [at[0], at[at.length - 1]];
      const each = at.map((a) => `${a.n}: ${a.wall.toFixed(0)}/${a.cpu} ms`).join(', ');
      const note = `wall/cpu ${each}; last/first wall ${(last.wall / first.wall).toFixed(2)}x, cpu ${(last.cpu / first.cpu).toFixed(2)}x (goal <= 1.1x)`;
      return { ms: last.wall, note };
    },
    teardown: (ctx) => {
      for (let i = 0; i < ctx.made; i += 100)
        cli('rm', '-f', ...Array.from({ length: Math.min(100, ctx.made - i) }, (_, j) => `s${i + j}`));
      cli('network', 'rm', 'scalenet');
    },
  },
];
