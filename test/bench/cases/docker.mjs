// netctl's Docker guard (issue 15) against ufw-docker's way, with the real Docker: a private
// dockerd (Debian's docker.io) started in the bench sandbox by the integration tests'
// scripts, a busybox image `docker load`ed, ufw enabled with routed deny and the
// netctl-docker block installed.
//  - 100 allow rules on Docker containers: ufw-docker's way (one `ufw route allow` per rule)
//    beside netctl's (one `netctl allow` process per rule; one process per container with
//    several ports; one process for a container publishing 100 ports; labels picked up by one
//    `netctl docker sync`), each checked in the live ruleset with iptables-save, and one
//    allow in process (what remains without node's start).
//  - Event to rule in place: `netctl docker watch` running as a real process; `docker rm` +
//    `docker run` of the same name on a new address with the label netctl.allow=80; the time
//    from the start event's own timeNano to the first iptables-save that shows the new rule.
// Debian 12's docker.io 20.10 runs every case; Debian 13's 26.1 and Debian unstable's 28.5,
// each from its own Debian userland (test/platforms/userland.sh, built before the sandbox by
// `npm run bench`), run the event case and the 100 rules with 20 processes, in the same run:
// this module again as `docker.mjs?flavour=26.1` (a module instance of its own). One daemon
// at a time: the next one's setup stops the last and takes its bridges and chains away.
import { spawn, spawnSync, execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const scripts = fileURLToPath(new URL('../../integration/scripts/', import.meta.url));
const execFileP = promisify(execFile);

/** This instance's Docker: 20.10 (the machine's docker.io) or a userland's. */
const FLAVOUR = new URL(import.meta.url).searchParams.get('flavour') ?? '20.10';
const SUITE = { 26.1: 'trixie', 28.5: 'sid' }[FLAVOUR];
const USERLAND = SUITE && `${process.env.NETCTL_USERLANDS ?? '/var/cache/netctl/userlands'}/${SUITE}`;
/** Case names: "docker: ..." for 20.10 (as before), "docker 26.1: ..." for the others. */
const TAG = SUITE ? `docker ${FLAVOUR}` : 'docker';
const DOCKERD = USERLAND ? `${USERLAND}/usr/sbin/dockerd` : '/usr/sbin/dockerd';
/** The daemon's own client (Debian's for 20.10: /usr/local/bin/docker may be another one). */
const DOCKER_ARGV = USERLAND ? ['chroot', USERLAND, '/usr/bin/docker'] : ['/usr/bin/docker'];
const DOCKER = DOCKER_ARGV[0];
const DOCKER_PRE = DOCKER_ARGV.slice(1);
const DIR = SUITE ? `/run/bench-docker-${SUITE}` : '/run/bench-docker';
const HOST = `unix://${DIR}/docker.sock`;
const IMAGE = 'netctl-test/busybox';
const RULES = 100;
const CONTAINERS = Number(process.env.BENCH_DOCKER_CONTAINERS ?? 20);
const PORTS = RULES / CONTAINERS;
const EVENT_GOAL_MS = 50;
const RULES_GOAL_MS = 1000;

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  return r.stdout;
}
const cli = (...args) => sh([process.execPath, netctl, ...args], { env: { ...process.env, DOCKER_HOST: HOST } });
const docker = (...args) => sh([...DOCKER_ARGV, '-H', HOST, ...args], { env: { ...process.env, HOME: '/tmp' } });
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The live filter table. */
async function liveFilter() {
  return (await execFileP('iptables-save', ['-t', 'filter'], { timeout: 10_000 })).stdout;
}
const ruleRe = (ip, port) =>
  new RegExp(`^-A ufw-user-forward -d ${ip.replace(/\./g, '\\.')}/32 -p tcp -m tcp --dport ${port} -j ACCEPT$`, 'm');
/** How many of `want` ([ip, port]) the live forward chain accepts. */
async function liveCount(want) {
  const text = await liveFilter();
  return want.filter(([ip, port]) => ruleRe(ip, port).test(text)).length;
}
async function expectLive(want, n, what) {
  const got = await liveCount(want);
  if (got !== n) throw new Error(`${what}: ${got} of ${want.length} rules in iptables-save, expected ${n}`);
}

let world;
/** dockerd, the image, ufw with routed deny and the netctl-docker block. */
function setupWorld() {
  if (world) return world;
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  const missing = [DOCKERD, USERLAND ? `${USERLAND}/usr/bin/docker` : DOCKER].filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new Error(
      `Docker ${FLAVOUR} is missing (${missing.join(', ')}): ${SUITE ? `run sh test/platforms/userland.sh ${SUITE}` : 'run bash native/setup.sh, which installs docker.io'}`,
    );
  // One daemon at a time in the bench sandbox: the last flavour's goes first.
  globalThis.netctlBenchDockerStop?.();
  sh(['sh', `${scripts}dockerd.sh`, DIR], {
    env: { ...process.env, ...(USERLAND ? { DOCKERD_USERLAND: USERLAND } : {}) },
  });
  globalThis.netctlBenchDockerStop = stopWorld;
  sh(['sh', `${scripts}docker-image.sh`, `${DIR}/img`]);
  docker('load', '-i', `${DIR}/img/busybox-docker.tar`);
  docker('network', 'create', '--subnet', '172.30.0.0/16', 'benchdk');
  sh(['ufw', '--force', 'enable']);
  sh(['ufw', 'default', 'deny', 'routed']);
  cli('docker', 'install');
  world = {};
  return world;
}

/**
 * Stops this flavour's daemon and takes away what it leaves in the kernel (its bridges and
 * chains), so that the next flavour's daemon starts as on a clean host; the netctl-docker
 * block and ufw stay.
 */
function stopWorld() {
  if (!world) return;
  spawnSync(DOCKER, [...DOCKER_PRE, '-H', HOST, 'rm', '-f', ...docker('ps', '-aq').split('\n').filter(Boolean)], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  // The sandbox's init reaps no orphans: a dead dockerd stays a zombie, which counts as gone.
  const gone = 'kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status 2>/dev/null && exit 0';
  sh(['sh', '-c', `p=$(cat ${DIR}/docker.pid) && kill $p && for i in $(seq 300); do ${gone}; sleep 0.1; done; exit 1`]);
  for (const link of sh(['ip', '-o', 'link', 'show', 'type', 'bridge']).matchAll(/^\d+: ((?:docker0|br-)[^:@]*)/gm))
    sh(['ip', 'link', 'del', link[1]]);
  for (const family of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'raw']) {
      const lines = sh([`${family}-save`, '-t', table]).split('\n');
      const del = lines
        .filter((l) => /^-A [A-Z]+ /.test(l) && /DOCKER(?!-USER)|docker0|br-/.test(l))
        .map((l) => `-D${l.slice(2)}`);
      const chains = lines.filter((l) => /^:DOCKER(?!-USER )/.test(l)).map((l) => l.slice(1).split(' ')[0]);
      const doc = [`*${table}`, ...del, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''];
      sh([`${family}-restore`, '-n'], { input: doc.join('\n') });
    }
  }
  world = undefined;
  allowWorld = undefined;
}

/** `count` containers on benchdk, each publishing container ports 8000.. (PORTS of them). */
function containers(prefix, count, hostBase, labels = []) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${i}`;
    const host = hostBase + i * PORTS;
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'benchdk',
      '-p',
      `${host}-${host + PORTS - 1}:8000-${8000 + PORTS - 1}`,
      ...labels,
      IMAGE,
      'sleep',
      '1000000',
    );
    const ip = docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name).trim();
    out.push({ name, ip, ports: Array.from({ length: PORTS }, (_, p) => 8000 + p) });
  }
  return out;
}
const tuples = (cs) => cs.flatMap((c) => c.ports.map((p) => [c.ip, p]));

/** Resets ufw's user rules to `base` and reloads ufw (the live chains follow). */
function resetUfw(base) {
  writeFileSync('/etc/ufw/user.rules', base, 'latin1');
  sh(['ufw', 'reload']);
}

const perRule = { ufw: 0, netctl: 0, ports: 0, labels: 0 };
const ratio = (ms) => {
  if (!perRule.ufw) return '';
  const r = (perRule.ufw * RULES) / ms;
  return `, ${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x as fast as ${RULES} ufw route allow (${((perRule.ufw * RULES) / 1000).toFixed(1)} s)`;
};
const goal = (ms) => `goal <= ${RULES_GOAL_MS} ms: ${ms <= RULES_GOAL_MS ? 'met' : 'MISSED'}`;

/** The containers the allow cases share (no labels). */
let allowWorld;
function setupAllow() {
  setupWorld();
  if (!allowWorld) {
    const cs = containers('c', CONTAINERS, 31000);
    allowWorld = { cs, want: tuples(cs), base: readFileSync('/etc/ufw/user.rules', 'latin1') };
  }
  return allowWorld;
}
/** Removes netctl's rules of the allow containers (deny by name), checked live. */
async function denyAll(w) {
  for (const c of w.cs) cli('deny', c.name);
  await expectLive(w.want, 0, 'after netctl deny');
}

/** One `/events` stream: start events by container id, with their timeNano. */
function followStarts() {
  const starts = new Map();
  const waiters = new Map();
  const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['start'] }));
  const req = request(
    { socketPath: `${DIR}/docker.sock`, path: `/events?filters=${filters}`, headers: { host: 'docker' } },
    (res) => {
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        rest += chunk;
        let nl;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (line === '') continue;
          const e = JSON.parse(line);
          starts.set(e.Actor.ID, e.timeNano / 1e6);
          waiters.get(e.Actor.ID)?.();
        }
      });
    },
  );
  req.on('error', () => undefined);
  req.end();
  return {
    /** The start event's time (ms since the epoch) of container `id`; 5 s at most. */
    async startOf(id) {
      if (!starts.has(id)) {
        await Promise.race([new Promise((r) => waiters.set(id, r)), sleep(5000)]);
        waiters.delete(id);
      }
      const t = starts.get(id);
      if (t === undefined) throw new Error(`no start event for ${id} within 5 s`);
      return t;
    },
    close: () => req.destroy(),
  };
}

/** Waits (5 s at most) until the live forward chain does (or does not) have the rule. */
async function untilLive(ip, port, present) {
  const re = ruleRe(ip, port);
  const end = now() + 5000;
  for (;;) {
    const s0 = now();
    const text = await liveFilter();
    const t = now();
    eventStats.poll.push(t - s0);
    if (re.test(text) === present) return t;
    if (t > end) throw new Error(`the rule for ${ip} port ${port} did not ${present ? 'appear' : 'go'} within 5 s`);
    await sleep(1);
  }
}

const eventStats = { fromReturn: [], poll: [] };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const allCases = [
  {
    name: `${TAG}: ${RULES} rules the ufw-docker way (one ufw route allow per rule, the peer)`,
    iterations: 3,
    warmup: 0,
    setup: setupAllow,
    run: async (w) => {
      const t0 = now();
      for (const c of w.cs) {
        for (const p of c.ports)
          sh([
            'ufw',
            'route',
            'allow',
            'proto',
            'tcp',
            'from',
            'any',
            'to',
            c.ip,
            'port',
            String(p),
            'comment',
            `allow ${c.name} ${p}/tcp`,
          ]);
      }
      const ms = now() - t0;
      await expectLive(w.want, RULES, 'after ufw route allow');
      resetUfw(w.base);
      await expectLive(w.want, 0, 'after the reset');
      return { ms };
    },
    note: (s) => {
      perRule.ufw = s.median / RULES;
      return `${perRule.ufw.toFixed(0)} ms per ufw call`;
    },
  },
  {
    name: `${TAG}: ${RULES} rules with ${RULES} netctl allow NAME PORT processes`,
    iterations: 3,
    warmup: 0,
    setup: setupAllow,
    run: async (w) => {
      const t0 = now();
      for (const c of w.cs) for (const p of c.ports) cli('allow', c.name, String(p));
      const ms = now() - t0;
      await expectLive(w.want, RULES, 'after netctl allow');
      await denyAll(w);
      return { ms };
    },
    note: (s) => {
      perRule.netctl = s.median / RULES;
      return `${perRule.netctl.toFixed(0)} ms per process${ratio(s.median)}; ${goal(s.median)}`;
    },
  },
  {
    name: `${TAG}: ${RULES} rules with ${CONTAINERS} netctl allow NAME PORT... processes (${PORTS} ports each)`,
    flavours: true,
    iterations: 3,
    warmup: 0,
    setup: setupAllow,
    run: async (w) => {
      const t0 = now();
      for (const c of w.cs) cli('allow', c.name, ...c.ports.map(String));
      const ms = now() - t0;
      await expectLive(w.want, RULES, 'after netctl allow NAME PORT...');
      await denyAll(w);
      return { ms };
    },
    note: (s) => `${(s.median / CONTAINERS).toFixed(0)} ms per process${ratio(s.median)}; ${goal(s.median)}`,
  },
  {
    name: `${TAG}: ${RULES} rules with one netctl allow NAME PORT... process (one container publishing ${RULES} ports)`,
    iterations: 5,
    warmup: 1,
    setup: () => {
      setupWorld();
      docker(
        'run',
        '-d',
        '--name',
        'big',
        '--network',
        'benchdk',
        '-p',
        `40000-${40000 + RULES - 1}:8000-${8000 + RULES - 1}`,
        IMAGE,
        'sleep',
        '1000000',
      );
      const ip = docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'big').trim();
      const ports = Array.from({ length: RULES }, (_, p) => 8000 + p);
      return { ip, ports, want: ports.map((p) => [ip, p]) };
    },
    run: async (w) => {
      const t0 = now();
      cli('allow', 'big', ...w.ports.map(String));
      const ms = now() - t0;
      await expectLive(w.want, RULES, 'after netctl allow big PORT...');
      cli('deny', 'big');
      await expectLive(w.want, 0, 'after netctl deny big');
      return { ms };
    },
    teardown: () => void docker('rm', '-f', 'big'),
    note: (s) => `one process${ratio(s.median)}; ${goal(s.median)}`,
  },
  {
    name: `${TAG}: netctl allow + deny of one Docker port in process (netctl's own work without node's start)`,
    iterations: 20,
    setup: async () => {
      const w = setupAllow();
      const { Store } = await import('../../../dist/store/index.js');
      const { dockerAllow, dockerDeny } = await import('../../../dist/docker/allow.js');
      const { dockerApi } = await import('../../../dist/docker/client.js');
      const { defaultUfwDeps } = await import('../../../dist/firewall/ufw/ufw-deps.js');
      const store = Store.open({ root: process.env.NETCTL_ROOT ?? '/var/lib/netctl' });
      return { w, store, api: dockerApi(`${DIR}/docker.sock`), ufw: defaultUfwDeps(), dockerAllow, dockerDeny };
    },
    run: async (c) => {
      const req = { name: c.w.cs[0].name, ports: ['8000'], from: [] };
      await c.dockerAllow(c.store, c.api, c.ufw, req);
      await c.dockerDeny(c.store, c.api, c.ufw, req);
    },
    teardown: (c) => c.store.close(),
    note: (s) =>
      `${(s.median / 2).toFixed(1)} ms per allow or deny with ${CONTAINERS} running containers (every one inspected, one write, one iptables-restore); the rest of a CLI process is node's start and module load`,
  },
  {
    name: `${TAG}: ${RULES} rules from netctl.allow labels on ${CONTAINERS} containers, one netctl docker sync`,
    iterations: 5,
    warmup: 0,
    setup: async () => {
      setupWorld();
      const base = readFileSync('/etc/ufw/user.rules', 'latin1');
      const ports = Array.from({ length: PORTS }, (_, p) => 8000 + p).join(',');
      const cs = containers('l', CONTAINERS, 41000, ['-l', `netctl.allow=${ports}`]);
      return { cs, want: tuples(cs), base };
    },
    run: async (w) => {
      const t0 = now();
      const out = cli('docker', 'sync');
      const ms = now() - t0;
      if (!out.includes(`synced: ${RULES} Docker rule(s)`)) throw new Error(`docker sync: ${out.trim()}`);
      await expectLive(w.want, RULES, 'after netctl docker sync');
      resetUfw(w.base);
      await expectLive(w.want, 0, 'after the reset');
      return { ms };
    },
    teardown: (w) => {
      docker('rm', '-f', ...w.cs.map((c) => c.name));
      resetUfw(w.base);
    },
    note: (s) => `one process${ratio(s.median)}; ${goal(s.median)}`,
  },
  {
    flavours: true,
    name: `${TAG}: event to rule in place (docker rm + run, new address, label netctl.allow=80; netctl docker watch running)`,
    iterations: 15,
    warmup: 2,
    setup: async () => {
      setupWorld();
      const log = `${DIR}/watch.log`;
      const watch = spawn('sh', ['-c', `exec "${process.execPath}" "${netctl}" docker watch >>${log} 2>&1`], {
        stdio: 'ignore',
        env: { ...process.env, DOCKER_HOST: HOST },
      });
      const end = now() + 10_000;
      while (!(existsSync(log) && readFileSync(log, 'utf8').includes('watching Docker'))) {
        if (now() > end)
          throw new Error(
            `netctl docker watch did not start: ${existsSync(log) ? readFileSync(log, 'utf8') : 'no log'}`,
          );
        await sleep(20);
      }
      return { watch, log, events: followStarts(), n: 0 };
    },
    run: async (c) => {
      // Each run: a new container under the same name, on the next address.
      spawnSync(DOCKER, [...DOCKER_PRE, '-H', HOST, 'rm', '-f', 'ev'], { stdio: 'ignore', timeout: 30_000 });
      if (c.ip) await untilLive(c.ip, 80, false);
      await sleep(100); // the watch's syncs of die/destroy are done
      c.n++;
      const ip = `172.30.200.${c.n}`;
      const t0 = now();
      const run = execFileP(
        DOCKER,
        [
          ...DOCKER_PRE,
          '-H',
          HOST,
          'run',
          '-d',
          '--name',
          'ev',
          '--network',
          'benchdk',
          '--ip',
          ip,
          '-p',
          '18090:80',
          '-l',
          'netctl.allow=80',
          IMAGE,
          'sleep',
          '1000000',
        ],
        { timeout: 30_000 },
      ).then((r) => ({ ...r, at: now() }));
      const seen = await untilLive(ip, 80, true);
      const { stdout, at: returned } = await run;
      const start = await c.events.startOf(stdout.trim());
      c.ip = ip;
      if (start < t0) throw new Error(`start event at ${start} before docker run at ${t0}`);
      eventStats.fromReturn.push(seen - returned);
      return { ms: seen - start };
    },
    teardown: async (c) => {
      c.events.close();
      c.watch.kill('SIGTERM');
      await new Promise((r) => (c.watch.exitCode !== null ? r() : c.watch.on('exit', r)));
      spawnSync(DOCKER, [...DOCKER_PRE, '-H', HOST, 'rm', '-f', 'ev'], { stdio: 'ignore', timeout: 30_000 });
    },
    note: (s) => {
      const back = median(eventStats.fromReturn.slice(-s.n));
      return `from the start event's timeNano to the end of the first iptables-save showing the rule (an upper bound: one iptables-save takes ${median(eventStats.poll).toFixed(1)} ms); median ${s.median.toFixed(1)} ms, goal <= ${EVENT_GOAL_MS} ms: ${s.median <= EVENT_GOAL_MS ? 'met' : 'MISSED'}; from docker run's return: median ${back.toFixed(1)} ms`;
    },
  },
];

/**
 * 20.10: every case, then the newer daemons' key cases (this module again, one instance per
 * flavour); a newer flavour's instance: its key cases, the last one stopping its daemon.
 */
async function flavourCases() {
  if (SUITE) {
    const key = allCases.filter((c) => c.flavours);
    const last = key[key.length - 1];
    const teardown = last.teardown;
    last.teardown = async (c) => {
      await teardown?.(c);
      stopWorld();
    };
    return key;
  }
  const newer = [];
  for (const f of ['26.1', '28.5']) newer.push(...(await import(`./docker.mjs?flavour=${f}`)).cases);
  return [...allCases, ...newer];
}

export const cases = await flavourCases();
