// The cost of `netctl run -d` as one network fills up: the median of 5 runs when the network
// holds 1, 100, 300 and 1000 containers (goal: the last within 1.1x of the first). Before
// issue 22 every run rewrote the /etc/hosts of every container on the network (2.2x at 300);
// now a container's files are its own and names come from the embedded DNS server.
//
// Filling a network takes one `run -d` per container: the counts are a parameter,
// NETCTL_BENCH_SCALE=1,100,300 (default 1,100,300,1000). NETCTL_BENCH_CLI runs another
// build's CLI (e.g. main's, for the before numbers). Runs in the bench sandbox.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
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

/** One `run -d` on the network, timed (ms). */
function runOne(ctx) {
  const t0 = process.hrtime.bigint();
  cli('run', '-d', '--name', `s${ctx.made}`, '--network', 'scalenet', 'scalebox', 'sleep', '1000000');
  ctx.made++;
  return Number(process.hrtime.bigint() - t0) / 1e6;
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
        at.push(median(Array.from({ length: SAMPLES }, () => runOne(ctx))));
      }
      const ratio = at[at.length - 1] / at[0];
      const note = `${COUNTS.map((n, i) => `${n}: ${at[i].toFixed(0)} ms`).join(', ')}; last/first ${ratio.toFixed(2)}x (goal <= 1.1x)`;
      return { ms: at[at.length - 1], note };
    },
    teardown: (ctx) => {
      for (let i = 0; i < ctx.made; i += 100)
        cli('rm', '-f', ...Array.from({ length: Math.min(100, ctx.made - i) }, (_, j) => `s${i + j}`));
      cli('network', 'rm', 'scalenet');
    },
  },
];
