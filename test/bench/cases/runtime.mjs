// Container runtime: a whole container cycle through the launcher (overlay rootfs, start,
// exit, logs, removal), `netctl-launcher exec` into a running container, and image import.
// Runs in the bench sandbox with its own state root under /run.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../../dist/runtime/', import.meta.url);
const { containerPaths } = await import(new URL('paths.js', dist));
const { importImage } = await import(new URL('image-import.js', dist));
const { removeImage, resolveImage } = await import(new URL('image-store.js', dist));
const { prepareRootfs, removeContainerFiles } = await import(new URL('rootfs.js', dist));
const { launchDetached, stopContainer, execArgv } = await import(new URL('launch.js', dist));
const { readState } = await import(new URL('state.js', dist));
const { readLogs } = await import(new URL('logs.js', dist));

const makeImages = fileURLToPath(new URL('../../integration/scripts/make-images.sh', import.meta.url));
const roots = { root: '/run/bench-runtime/root', runRoot: '/run/bench-runtime/run' };

async function setup() {
  const r = spawnSync('sh', [makeImages, '/run/bench-runtime/imgs'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-images.sh: ${r.stderr}`);
  await importImage(roots, '/run/bench-runtime/imgs/busybox.tar', 'bench-busybox');
  return { image: await resolveImage(roots, 'bench-busybox') };
}

function spec(ctx, id, argv) {
  const p = containerPaths(roots, id);
  return {
    p,
    spec: {
      netns: 'host',
      rootfs: p.rootfs,
      hostname: 'bench',
      env: ctx.image.config.env,
      uid: 0,
      gid: 0,
      cwd: '/',
      argv,
      binds: [],
      logPath: p.log,
      statePath: p.state,
      restart: 'no',
      tty: false,
      interactive: false,
    },
  };
}

async function cycle(ctx) {
  const id = `b${randomBytes(6).toString('hex')}`;
  const { p, spec: s } = spec(ctx, id, ['echo', 'hello']);
  await prepareRootfs(roots, id, ctx.image.id);
  await launchDetached(s, p);
  for (let i = 0; i < 1000 && (await readState(p.state))?.status !== 'exited'; i++)
    await new Promise((r) => setTimeout(r, 2));
  const logs = await readLogs(p.log);
  if (logs[0]?.l !== 'hello') throw new Error('no hello in the log');
  await removeContainerFiles(roots, id);
}

async function running() {
  const ctx = await setup();
  const id = `b${randomBytes(6).toString('hex')}`;
  const { p, spec: s } = spec(ctx, id, ['sleep', '600']);
  await prepareRootfs(roots, id, ctx.image.id);
  const st = await launchDetached(s, p);
  return { ...ctx, id, p, pid: st.pid };
}

export const cases = [
  { name: 'runtime: container cycle (overlay, launch echo, exit, log, remove)', iterations: 15, setup, run: cycle },
  {
    name: 'runtime: netctl-launcher exec true into a running container',
    iterations: 20,
    setup: running,
    run: (ctx) => {
      const [bin, ...args] = execArgv(ctx.pid, ['true']);
      const r = spawnSync(bin, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`exec exited ${r.status}`);
    },
    teardown: async (ctx) => {
      await stopContainer(ctx.p.state, 100);
      await removeContainerFiles(roots, ctx.id);
    },
  },
  {
    name: 'runtime: image import of the busybox rootfs tar (~2 MB)',
    iterations: 10,
    setup,
    run: async (_ctx, i) => {
      const rec = await importImage(roots, '/run/bench-runtime/imgs/busybox.tar', `bench-import:${i + 2}`);
      await removeImage(roots, rec.id);
    },
  },
];
