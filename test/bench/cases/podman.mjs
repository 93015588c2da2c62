// Podman 5.4 (Debian 13's userland, test/platforms/userland.sh, built before the sandbox by
// `npm run bench`) run chrooted in the bench sandbox, as test/integration/podman5.test.ts runs
// it: `podman run -d -p` on a network of netctl's netavark plugin (`netctl podman install`,
// netctl's rules and DNS server) against the same on Podman's own bridge network (netavark's
// nftables rules and aardvark-dns), as a ratio of medians from this run; the plugin once
// starting node per call and once with `netctl cni serve` running, which the installed
// plugin's shim hands the call to. Each sample is the run alone; the container is removed
// after it, outside the sample.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const scripts = fileURLToPath(new URL('../../integration/scripts/', import.meta.url));
const U = `${process.env.NETCTL_USERLANDS ?? '/var/cache/netctl/userlands'}/trixie`;
const PLUGIN_DIR = '/run/bench-netavark';
const IMAGE = ['localhost/netctl-bb:latest', 'httpd', '-f', '-p', '80', '-h', '/www'];
const CONF = `[containers]
pids_limit = 0
[network]
network_config_dir = "/tmp/bench-pm/networks"
netavark_plugin_dirs = ["/tmp/bench-pm/plugins"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "/tmp/bench-pm/events.log"
`;

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  return r.stdout;
}
const env = { ...process.env, CONTAINERS_CONF: '/tmp/bench-pm/containers.conf', HOME: '/tmp' };
const podman = (...args) =>
  sh(['chroot', U, 'podman', '--storage-driver', 'vfs', ...args], {
    env: { ...env, PODMAN_IGNORE_CGROUPSV1_WARNING: '1' },
  });

let world;
/** The userland prepared, both networks made, the image loaded: once for both cases. */
function setupWorld() {
  if (world) return world;
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  if (!existsSync(`${U}/usr/bin/podman`))
    throw new Error(`Podman 5.4 is missing: run sh test/platforms/userland.sh trixie`);
  sh(['sh', `${scripts}podman-userland.sh`, U]);
  sh(
    [
      'sh',
      '-c',
      `mkdir -p ${U}/tmp/bench-pm/networks ${U}/tmp/bench-pm/plugins && cat >${U}/tmp/bench-pm/containers.conf`,
    ],
    {
      input: CONF,
    },
  );
  // Podman's plugin dir is in the userland; the plugin there runs the installed one on the sandbox's root.
  sh(['sh', '-c', `cat >${U}/tmp/bench-pm/plugins/netctl && chmod 755 ${U}/tmp/bench-pm/plugins/netctl`], {
    input: `#!/bin/sh\nexec chroot /proc/1/root ${PLUGIN_DIR}/netctl "$@"\n`,
  });
  sh([process.execPath, netctl, 'podman', 'install', '--dir', PLUGIN_DIR, '--force']);
  sh(['sh', `${scripts}make-podman-image.sh`, `${U}/tmp/bench-pm/img`]);
  podman('load', '-i', '/tmp/bench-pm/img/podman-bb.tar');
  podman('network', 'create', '-d', 'netctl', '--subnet', '10.120.0.0/24', 'bench-netctl');
  podman('network', 'create', '--subnet', '10.121.0.0/24', 'bench-own');
  world = { medians: {} };
  return world;
}

/** `netctl cni serve` on the sandbox's default socket, where the installed plugin's shim looks. */
function startServe(w) {
  const sock = '/run/netctl/cni.sock';
  w.serve = spawn(process.execPath, [netctl, 'cni', 'serve'], { stdio: 'ignore' });
  for (let i = 0; i < 300 && !existsSync(sock); i++) sh(['sleep', '0.1']);
  if (!existsSync(sock)) throw new Error('netctl cni serve did not listen');
}

function runCase(tag, network, port, daemon = false) {
  return {
    name: `podman 5.4: run -d -p (${tag})`,
    iterations: 10,
    setup() {
      const w = setupWorld();
      if (daemon) startServe(w);
      return w;
    },
    teardown(w) {
      if (!daemon) return;
      w.serve.kill('SIGTERM');
      // Bounded: the daemon removes its socket on the way out.
      for (let i = 0; i < 50 && existsSync('/run/netctl/cni.sock'); i++) sh(['sleep', '0.1']);
    },
    run(_w, i) {
      const name = `bench-${tag.replace(/\W+/g, '-')}-${i + 1}`;
      const t0 = performance.now();
      podman('run', '-d', '--name', name, '--network', network, '-p', `${port}:80`, ...IMAGE);
      const ms = performance.now() - t0;
      podman('rm', '-f', '-t', '0', name);
      return { ms };
    },
    note(stats, w) {
      w.medians[tag] = stats.median;
      const b = w.medians.netavark;
      const a = w.medians[tag];
      return tag !== 'netavark' && a && b ? `netctl plugin / netavark+aardvark = ${(a / b).toFixed(2)}` : '';
    },
  };
}

export const cases = [
  runCase('netavark', 'bench-own', 8091),
  runCase('netctl', 'bench-netctl', 8090),
  runCase('netctl, cni serve', 'bench-netctl', 8092, true),
];
