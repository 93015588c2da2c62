// netctl allow/deny and ufw sync beside the peer they replace: `ufw route allow`, which
// ufw-docker runs once per rule. netctl writes ufw's user rules itself (in ufw's own format)
// and loads the forward chain with one iptables-restore, so it makes no ufw call at all.
// Runs in the bench sandbox: its own netns, iptables and private /etc/ufw.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const SYNC_CONTAINERS = Number(process.env.BENCH_SYNC_CONTAINERS ?? 100);

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const cli = (...args) => sh([process.execPath, netctl, ...args]);

let world;
/** One network, an image, ufw enabled with routed deny and netctl's block installed. */
function setupWorld() {
  if (world) return world;
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  // Under the sandbox's tmpfs /run: gone with the sandbox (/tmp is the machine's).
  const dir = mkdtempSync('/run/bench-img-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  for (const a of ['sh', 'sleep']) symlinkSync('busybox', join(dir, 'bin', a));
  sh(['tar', '-C', dir, '-cf', `${dir}.tar`, '.']);
  cli('image', 'import', `${dir}.tar`, 'benchbox');
  cli('network', 'create', '--subnet', '10.123.0.0/16', 'benchnet');
  sh(['ufw', '--force', 'enable']);
  sh(['ufw', 'default', 'deny', 'routed']);
  cli('ufw', 'install');
  cli('run', '-d', '--name', 'web', '--network', 'benchnet', '-p', '18080:80', 'benchbox', 'sleep', '100000');
  const ip = JSON.parse(cli('ps', '--json')).find((c) => c.name === 'web').addresses[0];
  world = { ip };
  return world;
}

let perUfwCall = 0;

export const cases = [
  {
    name: 'allow: ufw route allow + ufw route delete allow (the peer, one rule)',
    iterations: 10,
    setup: setupWorld,
    run: (w) => {
      sh(['ufw', 'route', 'allow', 'proto', 'tcp', 'to', w.ip, 'port', '80']);
      sh(['ufw', 'route', 'delete', 'allow', 'proto', 'tcp', 'to', w.ip, 'port', '80']);
    },
    note: (s) => {
      perUfwCall = s.median / 2;
      return `${(s.median / 2).toFixed(0)} ms per ufw call`;
    },
  },
  {
    name: 'allow: netctl allow web 80 + netctl deny web 80 (CLI processes)',
    iterations: 10,
    setup: setupWorld,
    run: () => {
      cli('allow', 'web', '80');
      cli('deny', 'web', '80');
    },
    note: (s) =>
      `${(s.median / 2).toFixed(0)} ms per command, no ufw call; ${perUfwCall ? `${(s.median / 2 / perUfwCall).toFixed(2)}x the time of one ufw route allow` : ''}`,
  },
  {
    name: "allow: allow + deny of one port in process (netctl's own work: database, files, restore, verify)",
    iterations: 20,
    setup: async () => {
      setupWorld();
      const { Store } = await import('../../../dist/store/index.js');
      const { allow, deny } = await import('../../../dist/engine/allow.js');
      return { store: Store.open({ root: process.env.NETCTL_ROOT ?? '/var/lib/netctl' }), allow, deny };
    },
    run: async (c) => {
      await c.allow(c.store, { name: 'web', ports: ['80'], from: [] });
      await c.deny(c.store, { name: 'web', ports: ['80'], from: [] });
    },
    teardown: (c) => c.store.close(),
    note: (s) =>
      `${(s.median / 2).toFixed(1)} ms per allow or deny (target: <= 30 ms on top of the ufw calls it must make; it makes none)`,
  },
  {
    name: `allow: netctl ufw sync of ${SYNC_CONTAINERS} containers' rules after user.rules lost them`,
    iterations: 5,
    setup: () => {
      setupWorld();
      const base = readFileSync('/etc/ufw/user.rules', 'latin1');
      const base6 = readFileSync('/etc/ufw/user6.rules', 'latin1');
      for (let i = 0; i < SYNC_CONTAINERS; i++) {
        cli(
          'run',
          '-d',
          '--name',
          `s${i}`,
          '--network',
          'benchnet',
          '-p',
          `${20000 + i}:80`,
          'benchbox',
          'sleep',
          '100000',
        );
        cli('allow', `s${i}`, '80');
      }
      const rules = (readFileSync('/etc/ufw/user.rules', 'latin1').match(/^### tuple ###/gm) ?? []).length;
      if (rules < SYNC_CONTAINERS) throw new Error(`expected ${SYNC_CONTAINERS} rules, found ${rules}`);
      return { base, base6 };
    },
    run: (c) => {
      // A reboot with an old user.rules, or someone's `ufw reset`: every rule is missing.
      writeFileSync('/etc/ufw/user.rules', c.base, 'latin1');
      writeFileSync('/etc/ufw/user6.rules', c.base6, 'latin1');
      const out = cli('ufw', 'sync');
      if (!out.includes('synced')) throw new Error(`sync did nothing: ${out}`);
    },
    note: (s) =>
      `${SYNC_CONTAINERS} ufw route allow calls would take ~${((perUfwCall * SYNC_CONTAINERS) / 1000).toFixed(1)} s (${((perUfwCall * SYNC_CONTAINERS) / s.median).toFixed(0)}x); one file write + one iptables-restore per family`,
  },
];
