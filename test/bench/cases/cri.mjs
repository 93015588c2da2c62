// containerd 1.7's CRI (Debian 13's userland, test/platforms/userland.sh, built before the
// sandbox by `npm run bench`) run chrooted in the bench sandbox as test/integration/cri.test.ts
// runs it (scripts/containerd.sh, the config of helpers/containerd-config.mjs, the gRPC client
// of helpers/cri-client.mjs): a pod sandbox with a hostPort run, stopped and removed as kubelet
// does (RunPodSandbox, StopPodSandbox, RemovePodSandbox), with netctl as the node's CNI
// configuration (`netctl cni install`, its calls answered by `netctl cni serve` through the
// shim) against the CNI reference chain (bridge + host-local, portmap, firewall from the
// userland's containernetworking-plugins), as a ratio of medians from this run. One containerd,
// restarted with the other conf dir between the cases.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { containerdConfig } from '../../integration/helpers/containerd-config.mjs';
import { CriClient } from '../../integration/helpers/cri-client.mjs';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const shim = fileURLToPath(new URL('../../../native/build/netctl-cni-shim', import.meta.url));
const scripts = fileURLToPath(new URL('../../integration/scripts/', import.meta.url));
const U = `${process.env.NETCTL_USERLANDS ?? '/var/cache/netctl/userlands'}/trixie`;
// The sandbox's pid namespace gives every run the same pid: the time tells runs apart.
const DIR = `/tmp/netctl-bench-cri-${process.pid}-${Date.now()}`;
const RUN = '/run/bench-cri';
const SOCKET = `${RUN}/cni.sock`;

/** The reference chain: what a kubeadm node without a network add-on's own plugin runs. */
const REFERENCE = {
  cniVersion: '1.0.0',
  name: 'ref',
  plugins: [
    {
      type: 'bridge',
      bridge: 'cni-ref0',
      isGateway: true,
      ipMasq: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.123.0.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] },
    },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'firewall' },
  ],
};

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  return r.stdout;
}
const write = (path, text) => sh(['sh', '-c', `mkdir -p "$(dirname ${path})" && cat >${path}`], { input: text });

let world;
/** netctl's plugin installed and served, the reference conf dir, the pause image: once for both cases. */
function setupWorld() {
  if (world) return world;
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  if (!existsSync(`${U}/usr/bin/containerd`))
    throw new Error('containerd 1.7 is missing: run sh test/platforms/userland.sh trixie');
  sh([
    process.execPath,
    netctl,
    'cni',
    'install',
    '--bin-dir',
    `${RUN}/bin`,
    '--conf-dir',
    `${RUN}/netctl.d`,
    '--name',
    'pods',
    '--subnet',
    '10.122.0.0/24',
    '--socket',
    SOCKET,
  ]);
  // The CRI sets up each pod's lo with the reference loopback plugin, from the node's bin dir.
  sh(['cp', `${U}/usr/lib/cni/loopback`, `${RUN}/bin/`]);
  write(`${RUN}/ref.d/10-ref.conflist`, JSON.stringify(REFERENCE));
  const serve = spawn(process.execPath, [netctl, 'cni', 'serve', '--socket', SOCKET], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(SOCKET); i++) sh(['sleep', '0.1']);
  if (!existsSync(SOCKET)) throw new Error('netctl cni serve did not listen');
  const cgroup = `/${process.env.NETCTL_CGROUP_PARENT ?? 'netctl'}/bench-cri`;
  world = { serve, cgroup, medians: {}, running: undefined, cri: undefined };
  return world;
}

/** containerd started (or restarted) on conf dir `conf`, its CRI answering, the pause image imported. */
async function startWith(w, conf, binDir) {
  if (w.running === conf) return;
  stopContainerd(w);
  write(`${DIR}/config.toml`, containerdConfig('1.7', DIR, { binDir, confDir: conf }));
  sh(['sh', `${scripts}containerd.sh`, U, DIR, `${DIR}/config.toml`, shim]);
  w.cri = new CriClient(`${DIR}/containerd.sock`);
  await w.cri.version();
  // Once per containerd root (a tmpfs overlay of this run's), kept across its restarts.
  if (!w.imported) {
    sh(['sh', `${scripts}make-pause-image.sh`, `${DIR}/img`]);
    sh([
      'chroot',
      `${DIR}/root`,
      '/usr/bin/ctr',
      '-a',
      `${DIR}/containerd.sock`,
      '-n',
      'k8s.io',
      'images',
      'import',
      '--snapshotter',
      'native',
      '--platform',
      'linux/amd64',
      `${DIR}/img/pause.tar`,
    ]);
  }
  w.imported = true;
  w.running = conf;
}

function stopContainerd(w) {
  w.cri?.close();
  if (!w.running) return;
  sh([
    'sh',
    '-c',
    `p=$(cat ${DIR}/containerd.pid); kill $p; for i in $(seq 200); do kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status && exit 0; sleep 0.1; done; exit 1`,
  ]);
  w.running = undefined;
}

function criCase(tag, conf, binDir, hostPort, last) {
  return {
    name: `containerd 1.7 CRI: run+stop+remove pod with hostPort (${tag})`,
    iterations: 10,
    async setup() {
      const w = setupWorld();
      await startWith(w, conf, binDir);
      return w;
    },
    async run(w, i) {
      const meta = { name: `b${i + 1}`, namespace: `bench-${tag}`, uid: `bench-${tag}-${i + 1}-${process.pid}` };
      const id = await w.cri.runPod(meta, [{ hostPort, containerPort: 80 }], w.cgroup);
      await w.cri.stop(id);
      await w.cri.remove(id);
    },
    note(stats, w) {
      w.medians[tag] = stats.median;
      const { netctl: a, reference: b } = w.medians;
      return a && b ? `netctl / bridge+portmap+firewall = ${(a / b).toFixed(2)}` : '';
    },
    teardown(w) {
      if (!last) return;
      stopContainerd(w);
      w.serve.kill('SIGTERM');
      // The overlay (its binds of /proc, /sys, /dev and /run with it) detached first, and the
      // directory removed only once nothing is mounted under it: rm must never reach a bind.
      sh([
        'sh',
        '-c',
        `umount -l ${DIR}/root; umount -l ${DIR}/ovl; findmnt -rn -o TARGET | grep -q '^${DIR}' || rm -rf ${DIR}`,
      ]);
    },
  };
}

export const cases = [
  criCase('reference', `${RUN}/ref.d`, '/usr/lib/cni', 8094, false),
  criCase('netctl', `${RUN}/netctl.d`, `${RUN}/bin`, 8095, true),
];
