// Pulls (issue 24): the same multi-layer image (a busybox base and three layers of real
// files, ~57 MB unpacked) from Debian's docker-registry on loopback, in one run by
// `netctl pull` into a fresh store, by `docker pull` into a dockerd of the bench sandbox
// (Debian's 20.10, overlay2, no networking of its own) and by `skopeo copy` to a fresh dir
// (Debian's skopeo, which native/setup.sh installs), each sample from scratch. The tools take
// turns within each sample, in an order rotated per sample, so the machine's load hits each
// alike; the row is netctl's time, the note the peers' medians, their CPU (user + system of the
// command and the processes it waited for; for Docker, of dockerd and its containerd too, where a
// pull's work is done), the ratios and bytes on disk for one image and for two images on the same
// base (netctl and Docker store the base once; skopeo's dirs hold the compressed blobs, the base
// twice), apparent and allocated. Wall time swings with the machine's load; CPU much less.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REGISTRY = '/var/cache/netctl/docker-registry/usr/bin/docker-registry';
const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const makeImages = fileURLToPath(new URL('../../integration/scripts/make-images.sh', import.meta.url));
const dockerdSh = fileURLToPath(new URL('../../integration/scripts/dockerd.sh', import.meta.url));
const W = '/run/bench-pull';
const HOST = '127.0.0.1:5110';

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const du = (path) => Number(sh(['du', '-sb', path]).split('\t')[0]);
// Bytes allocated (blocks), where every small metadata file costs a whole page on tmpfs.
const alloc = (path) => Number(sh(['du', '-s', '-B1', path]).split('\t')[0]);
// Bytes under the directories PATTERN matches (a shell glob), hard links counted once.
const duGlob = (pattern) => Number(sh(['sh', '-c', `du -scb ${pattern} 2>/dev/null | tail -1`]).split('\t')[0]);
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;

// A docker-save archive of base + the given extra layer directories.
function image(name, extra) {
  const dir = `${W}/${name}`;
  const layers = [`${W}/imgs/layer1.tar`];
  for (const [i, src] of extra.entries()) {
    const t = `${dir}-l${i}.tar`;
    sh(['tar', '-C', src, '--numeric-owner', '-cf', t, '.']);
    layers.push(t);
  }
  const script = `set -e; d=${dir}; rm -rf $d; mkdir -p $d; ids=""; ls=""
for l in ${layers.join(' ')}; do s=$(sha256sum $l | cut -d' ' -f1); cp $l $d/$s.tar; ids="$ids\${ids:+,}\\"sha256:$s\\""; ls="$ls\${ls:+,}\\"$s.tar\\""; done
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$ids" > $d/c.json
c=$(sha256sum $d/c.json | cut -d' ' -f1); mv $d/c.json $d/$c.json
printf '[{"Config":"%s.json","RepoTags":["bench/${name}:v1"],"Layers":[%s]}]' "$c" "$ls" > $d/manifest.json
tar -C $d -cf ${dir}.tar .`;
  sh(['sh', '-c', script]);
  sh(
    [
      'skopeo',
      'copy',
      '-q',
      '--dest-tls-verify=false',
      `docker-archive:${dir}.tar`,
      `docker://${HOST}/bench/${name}:v1`,
    ],
    {
      timeout: 300_000,
    },
  );
}

export async function setup() {
  sh(['rm', '-rf', W]);
  sh(['mkdir', '-p', `${W}/data`, `${W}/src/a`, `${W}/src/b`, `${W}/src/c`, `${W}/src/d`]);
  sh(['sh', makeImages, `${W}/imgs`]);
  // Real files (a shared library, perl modules, zoneinfo): they compress as application layers do.
  sh(['sh', '-c', `cp -aL /usr/lib/x86_64-linux-gnu/libicudata.so.72 ${W}/src/a/`]);
  sh(['cp', '-a', '/usr/share/perl', `${W}/src/b/`]);
  sh(['cp', '-a', '/usr/share/zoneinfo', `${W}/src/c/`]);
  sh(['cp', '-a', '/usr/share/mime', `${W}/src/d/`]);
  const conf = `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${W}/data\nhttp:\n  addr: ${HOST}\n`;
  sh(['sh', '-c', `cat > ${W}/reg.yml`], { input: conf });
  const reg = spawn(REGISTRY, ['serve', `${W}/reg.yml`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('curl', ['-sf', `http://${HOST}/v2/`]).status !== 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  image('app', [`${W}/src/a`, `${W}/src/b`, `${W}/src/c`]);
  image('other', [`${W}/src/a`, `${W}/src/d`]);
  return { reg, n: 0 };
}

function netctlPull(root, name) {
  sh([process.execPath, netctl, 'pull', '-q', '--insecure', `${HOST}/bench/${name}:v1`], {
    env: { ...process.env, NETCTL_ROOT: root, NETCTL_AUTH_FILE: `${W}/auth.json` },
    timeout: 300_000,
  });
}

function skopeoCopy(dir, name) {
  sh(['skopeo', 'copy', '-q', '--src-tls-verify=false', `docker://${HOST}/bench/${name}:v1`, `dir:${dir}`], {
    timeout: 300_000,
  });
}

const DOCKER_DIR = `${W}/docker`;
const docker = (...args) =>
  sh(['/usr/bin/docker', '-H', `unix://${DOCKER_DIR}/docker.sock`, ...args], { timeout: 300_000 });

// CPU seconds from /proc/PID/stat: user + system of the process (OWN) and of the children it
// has reaped (fields 14-17), in clock ticks of 10 ms.
function ticks(pid, own = true) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const kids = Number(f[13]) + Number(f[14]);
  return own ? Number(f[11]) + Number(f[12]) + kids : kids;
}
// dockerd and the containerd it started: a pull's work is done there, not in the CLI.
const daemonPids = () => {
  const d = readFileSync(`${DOCKER_DIR}/docker.pid`, 'utf8').trim();
  const kids = spawnSync('pgrep', ['-P', d], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  return [d, ...kids];
};
const daemonTicks = () => daemonPids().reduce((a, p) => a + ticks(p), 0);

/** Wall ms of FN and CPU ms of the processes it ran (the bench's reaped children, plus the daemon's). */
function timed(fn, daemon = false) {
  const c0 = ticks(process.pid, false) + (daemon ? daemonTicks() : 0);
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return { ms, cpu: (ticks(process.pid, false) + (daemon ? daemonTicks() : 0) - c0) * 10 };
}

// One tool's sample: the time of the first pull, bytes after it and after the second image.
const tools = {
  netctl(n) {
    const root = `${W}/netctl-${n}`;
    const { ms, cpu } = timed(() => netctlPull(root, 'app'));
    const one = du(root);
    netctlPull(root, 'other');
    const two = du(root);
    const blocks = alloc(root);
    const files = duGlob(`${root}/layers/*/fs`);
    sh(['rm', '-rf', root]);
    return { ms, cpu, one, two, blocks, files };
  },
  docker() {
    const data = `${DOCKER_DIR}/data`;
    const before = du(data);
    const blocksBefore = alloc(data);
    const { ms, cpu } = timed(() => docker('pull', '-q', `${HOST}/bench/app:v1`), true);
    const one = du(data) - before;
    docker('pull', '-q', `${HOST}/bench/other:v1`);
    const two = du(data) - before;
    const blocks = alloc(data) - blocksBefore;
    const files = duGlob(`${data}/overlay2/*/diff`);
    docker('rmi', `${HOST}/bench/app:v1`, `${HOST}/bench/other:v1`);
    return { ms, cpu, one, two, blocks, files };
  },
  skopeo(n) {
    const d = `${W}/skopeo-${n}`;
    sh(['mkdir', '-p', d]);
    const { ms, cpu } = timed(() => skopeoCopy(`${d}/app`, 'app'));
    const one = du(d);
    skopeoCopy(`${d}/other`, 'other');
    const two = du(d);
    const blocks = alloc(d);
    sh(['rm', '-rf', d]);
    return { ms, cpu, one, two, blocks };
  },
};
const NAMES = Object.keys(tools);

async function setupAll() {
  const ctx = await setup();
  sh(['sh', dockerdSh, DOCKER_DIR, '--iptables=false', '--bridge=none', '--storage-driver=overlay2'], {
    timeout: 120_000,
  });
  ctx.samples = Object.fromEntries(NAMES.map((t) => [t, []]));
  return ctx;
}

function teardownAll(ctx) {
  // The sandbox's init reaps no orphans: a dead dockerd stays a zombie, which counts as gone.
  const gone = 'kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status 2>/dev/null && exit 0';
  sh(['sh', '-c', `p=$(cat ${DOCKER_DIR}/docker.pid) && kill $p && for i in $(seq 300); do ${gone}; sleep 0.1; done`]);
  ctx.reg.kill('SIGTERM');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

function summary(ctx) {
  const s = ctx.samples;
  const t = Object.fromEntries(NAMES.map((n) => [n, median(s[n].map((x) => x.ms))]));
  const last = Object.fromEntries(NAMES.map((n) => [n, s[n].at(-1)]));
  const c = Object.fromEntries(NAMES.map((n) => [n, median(s[n].map((x) => x.cpu))]));
  const times = NAMES.map((n) => `${n} ${secs(t[n])} [${s[n].map((x) => secs(x.ms)).join(' ')}]`).join(', ');
  const cpus = NAMES.map((n) => `${n} ${secs(c[n])} [${s[n].map((x) => secs(x.cpu)).join(' ')}]`).join(', ');
  const rest = (x) => (x.files === undefined ? '' : ` (layer files ${mb(x.files)}, the rest ${mb(x.two - x.files)})`);
  const disk = NAMES.map((n) => `${n} ${mb(last[n].one)} / ${mb(last[n].two)}${rest(last[n])}`).join(', ');
  const blocks = NAMES.map((n) => `${n} ${mb(last[n].blocks)}`).join(', ');
  return (
    `time (median [samples]): ${times}; netctl/docker ${(t.netctl / t.docker).toFixed(2)}, ` +
    `netctl/skopeo ${(t.netctl / t.skopeo).toFixed(2)}; CPU user+sys: ${cpus}; ` +
    `netctl/docker ${(c.netctl / c.docker).toFixed(2)}; disk, 1 image / + image on same base: ${disk} ` +
    `(netctl/docker ${(last.netctl.two / last.docker.two).toFixed(3)}; skopeo: compressed blobs, not unpacked); ` +
    `allocated for the two: ${blocks} (netctl/docker ${(last.netctl.blocks / last.docker.blocks).toFixed(3)})`
  );
}

export const cases = [
  {
    name: 'pull: 4-layer image from a local registry, netctl pull vs docker pull vs skopeo copy (interleaved)',
    iterations: 5,
    warmup: 0,
    setup: setupAll,
    run: (ctx, i) => {
      const order = NAMES.map((_, k) => NAMES[(i + k) % NAMES.length]);
      for (const n of order) ctx.samples[n].push(tools[n](i));
      return { ms: ctx.samples.netctl.at(-1).ms };
    },
    note: (_, ctx) => summary(ctx),
    teardown: teardownAll,
  },
];
