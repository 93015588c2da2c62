// `netctl compose up -d` of a 10-service file beside 10 single `netctl run -d` of the same
// containers (same image, command, one published port each, one named volume each, a health
// check each, one network), in the same run. What each service has is SERVICE_KEYS / RUN_OPTS
// below, side by side.
// Each iteration brings everything up (timed inside run, printed per service in the note) and
// then removes it again (compose down / rm -f), so the median column includes the removal.
// Runs in the bench sandbox: its own netns, iptables, /run and /var/lib/netctl.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const SERVICES = 10;

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const cli = (...args) => sh([process.execPath, netctl, ...args]);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One service of the compose file, and the same container's `run` options. */
const SERVICE_KEYS = (i) => [
  'image: composebox',
  'command: sleep 100000',
  `ports: ["${19100 + i}:80"]`,
  `volumes: ["v${i}:/data"]`,
  'healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 3 }',
];
const RUN_OPTS = (i) => [
  '-p',
  `${19200 + i}:80`,
  '-v',
  `rv${i}:/data`,
  ...['--health-cmd', 'true', '--health-interval', '30s', '--health-timeout', '5s', '--health-retries', '3'],
];

let world;
/** The image and the compose file, once per bench run (under the sandbox's tmpfs /run). */
function setupWorld() {
  if (world) return world;
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  const dir = mkdtempSync('/run/bench-compose-');
  const img = join(dir, 'img');
  mkdirSync(join(img, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(img, 'bin/busybox'));
  for (const a of ['sh', 'sleep', 'true']) symlinkSync('busybox', join(img, 'bin', a));
  sh(['tar', '-C', img, '-cf', `${img}.tar`, '.']);
  cli('image', 'import', `${img}.tar`, 'composebox');
  const lines = ['name: b10', 'services:'];
  for (let i = 0; i < SERVICES; i++) lines.push(`  s${i}:`, ...SERVICE_KEYS(i).map((l) => `    ${l}`));
  lines.push('volumes:', ...Array.from({ length: SERVICES }, (_, i) => `  v${i}: {}`));
  writeFileSync(join(dir, 'compose.yaml'), `${lines.join('\n')}\n`);
  world = { file: join(dir, 'compose.yaml'), runUp: [], composeUp: [] };
  return world;
}

export const cases = [
  {
    name: `compose: ${SERVICES} x netctl run -d (one port, volume and health check each, one network; then rm -f)`,
    iterations: 3,
    setup: () => {
      const w = setupWorld();
      cli('network', 'create', 'runnet');
      return w;
    },
    run: (w, i) => {
      const t0 = process.hrtime.bigint();
      for (let s = 0; s < SERVICES; s++)
        cli('run', '-d', '--name', `r${s}`, '--network', 'runnet', ...RUN_OPTS(s), 'composebox', 'sleep', '100000');
      if (i >= 0) w.runUp.push(ms(t0));
      cli('rm', '-f', ...Array.from({ length: SERVICES }, (_, s) => `r${s}`));
    },
    teardown: () => {
      cli('network', 'rm', 'runnet');
      cli('volume', 'rm', ...Array.from({ length: SERVICES }, (_, s) => `rv${s}`));
    },
    note: (_, w) =>
      `up: ${(median(w.runUp) / SERVICES).toFixed(0)} ms per container (${median(w.runUp).toFixed(0)} ms for ${SERVICES})`,
  },
  {
    name: `compose: compose up -d of a ${SERVICES}-service file with volumes and health checks (network created; then down)`,
    iterations: 3,
    setup: setupWorld,
    run: (w, i) => {
      const t0 = process.hrtime.bigint();
      cli('compose', '-f', w.file, 'up', '-d');
      if (i >= 0) w.composeUp.push(ms(t0));
      cli('compose', '-f', w.file, 'down');
    },
    note: (_, w) => {
      const per = median(w.composeUp) / SERVICES;
      const ratio = w.runUp.length
        ? `; ${(median(w.runUp) / median(w.composeUp)).toFixed(1)}x faster than ${SERVICES} x run -d`
        : '';
      return `up: ${per.toFixed(0)} ms per service (${median(w.composeUp).toFixed(0)} ms for ${SERVICES})${ratio}`;
    },
  },
];
