// The embedded DNS server (issue 22) against aardvark-dns (Debian 12's, run as netavark runs
// it: a config directory with one file per network, listening on the bridge gateway) and
// dnsmasq (the ceiling: C, a static host record), in one run, from the same container's
// namespace: A queries for a container name, p50/p99 with one query in flight, and queries
// per second with 32 in flight (test/bench/dns-load.mjs), with the server's own CPU time
// per query (user + system from /proc: steadier than latency on a shared machine). Then how long after `run -d`
// returns a running container's peers get the new name (the server follows the database).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const load = fileURLToPath(new URL('../dns-load.mjs', import.meta.url));
const follower = fileURLToPath(new URL('../dns-follow.mjs', import.meta.url));
const makeImages = fileURLToPath(new URL('../../integration/scripts/make-images.sh', import.meta.url));
const AARDVARK = '/usr/lib/podman/aardvark-dns';
const DIR = '/run/bench-dns';
const env = { ...process.env, NETCTL_ROOT: `${DIR}/root`, NETCTL_RUN_ROOT: `${DIR}/run` };

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env, ...opts });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const netctl = (...args) => sh([process.execPath, cli, ...args]);

let ready;
function setup() {
  ready ??= (async () => {
    sh(['sh', makeImages, `${DIR}/imgs`]);
    netctl('image', 'import', `${DIR}/imgs/busybox.tar`, 'busybox');
    netctl('network', 'create', '--subnet', '10.84.0.0/24', 'bench');
    const web = netctl(
      'run',
      '-d',
      '--name',
      'web',
      '--network',
      'bench',
      '--ip',
      '10.84.0.2',
      'busybox',
      'sleep',
      '1d',
    );
    const client = netctl(
      'run',
      '-d',
      '--name',
      'client',
      '--network',
      'bench',
      '--ip',
      '10.84.0.3',
      'busybox',
      'sleep',
      '1d',
    );
    const ns = `${DIR}/run/netns/${client.slice(0, 12)}`;
    mkdirSync(`${DIR}/aardvark`, { recursive: true });
    writeFileSync(`${DIR}/aardvark/bench`, `10.84.0.1\n${web} 10.84.0.2  web\n${client} 10.84.0.3  client\n`);
    spawn(AARDVARK, ['--config', `${DIR}/aardvark`, '-p', '53', 'run'], { stdio: 'ignore', detached: true }).unref();
    sh(
      ['nsenter', `--net=${ns}`, 'dnsmasq', '-C', '/dev/null', '-u', 'root', '--no-resolv', '--no-hosts'].concat([
        '--bind-interfaces',
        '--listen-address=127.0.0.12',
        '--host-record=web,10.84.0.2',
        `--pid-file=${DIR}/dm.pid`,
      ]),
    );
    for (let i = 0; i < 100 && !sh(['ss', '-lnu']).includes('10.84.0.1:53'); i++)
      await new Promise((r) => setTimeout(r, 50));
    return { ns };
  })();
  return ready;
}

/** The pid serving `ip`: the embedded server's by its status, the others' by their socket. */
function pidOf(ip) {
  if (ip === '127.0.0.11') return JSON.parse(netctl('dns', 'status', '--json')).pid;
  if (ip === '127.0.0.12') return Number(readFileSync(`${DIR}/dm.pid`, 'utf8'));
  return Number(/pid=(\d+)/.exec(sh(['ss', '-lnupH', 'src', `${ip}:53`]))?.[1]);
}

/** CPU time (user + system) of `pid` in milliseconds (clock ticks of 10 ms). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function measure(ctx, server, count, conc) {
  const out = JSON.parse(
    sh(['nsenter', `--net=${ctx.ns}`, process.execPath, load, server, 'web', String(count), String(conc)]),
  );
  if (out.lost > count / 100) throw new Error(`${server}: ${out.lost} of ${count} queries lost`);
  return out;
}

const servers = [
  ['embedded (127.0.0.11)', '127.0.0.11'],
  ['aardvark-dns (gateway)', '10.84.0.1'],
  ['dnsmasq (ceiling)', '127.0.0.12'],
];

/** How long after `run -d` returns the newcomer's name answers in a running peer (2 ms probes). */
async function follow(ctx, i) {
  const name = `new${i + 1}`;
  const probe = spawn('nsenter', [`--net=${ctx.ns}`, process.execPath, follower, '127.0.0.11', name], { env });
  let out = '';
  probe.stdout.on('data', (d) => (out += d));
  const exited = new Promise((r) => probe.on('exit', r));
  for (let k = 0; k < 500 && !out.includes('ready'); k++) await new Promise((r) => setTimeout(r, 10));
  const id = netctl('run', '-d', '--name', name, '--network', 'bench', 'busybox', 'sleep', '1d');
  const returned = performance.timeOrigin + performance.now();
  await exited;
  netctl('rm', '-f', id);
  const answered = Number(out.split('\n')[1]);
  if (!answered) throw new Error(`${name} never answered`);
  return { ms: Math.max(0, answered - returned), note: '0: answered before the command returned' };
}

export const cases = [
  ...servers.map(([label, ip]) => ({
    name: `dns: ${label} A query, 1 in flight: p50`,
    iterations: 5,
    setup,
    run: (ctx) => {
      const r = measure(ctx, ip, 2000, 1);
      return { ms: r.p50, note: `p99 ${r.p99.toFixed(2)} ms` };
    },
  })),
  ...servers.map(([label, ip]) => ({
    name: `dns: ${label} A queries, 32 in flight: per query`,
    iterations: 3,
    setup,
    run: (ctx) => {
      const pid = pidOf(ip);
      const cpu0 = cpuMs(pid);
      const r = measure(ctx, ip, 10000, 32);
      const cpu = ((cpuMs(pid) - cpu0) * 1000) / 10000;
      return {
        ms: 1000 / r.qps,
        note: `${r.qps} queries/s, p99 ${r.p99.toFixed(2)} ms, server CPU ${cpu.toFixed(1)} µs/query`,
      };
    },
  })),
  { name: 'dns: embedded, new name answered after run -d returns', iterations: 5, setup, run: follow },
];
