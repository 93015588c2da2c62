// Drives the compiled runtime library inside a sandbox for runtime-container.test.ts.
// Usage: node runtime-driver.mjs OP JSON; prints one JSON result (or {error, exitCode}).
//   launch   {id, image, argv, netns?, env?, hostname?, cwd?, uid?, gid?, restart?, restartMax?,
//             binds?, hosts?, tty?, cleanup?, rootfsMode?, attached?, proc?}
//   wait     {id, timeoutMs?}      until the state says exited
//   logs     {id, tail?}
//   stop     {id, graceMs}
//   exec     {pid, argv, opts?}    through execAttached
//   rm       {id}
import { writeFileSync } from 'node:fs';

const dist = new URL('../../../dist/runtime/', import.meta.url);
const { containerPaths, imagePaths } = await import(new URL('paths.js', dist));
const { resolveImage } = await import(new URL('image-store.js', dist));
const { layerPaths } = await import(new URL('layer-store.js', dist));
const { prepareRootfs, removeContainerFiles } = await import(new URL('rootfs.js', dist));
const { launchDetached, launchAttached, stopContainer, execAttached } = await import(new URL('launch.js', dist));
const { readState } = await import(new URL('state.js', dist));
const { readLogs } = await import(new URL('logs.js', dist));

const roots = { root: process.env.NETCTL_ROOT, runRoot: process.env.NETCTL_RUN_ROOT };
const [op, json] = process.argv.slice(2);
const a = JSON.parse(json ?? '{}');

/** The image's paths; `rootfs` its files: the top layer's of a layered image (imports are one layer). */
function imageFiles(img) {
  const top = img.layers?.at(-1);
  return { ...imagePaths(roots, img.id), ...(top ? { rootfs: layerPaths(roots, top).fs } : {}) };
}

async function launch() {
  const img = await resolveImage(roots, a.image);
  const p = containerPaths(roots, a.id);
  const rootfs = await prepareRootfs(roots, a.id, img.id, a.rootfsMode ?? 'auto');
  const binds = [...(a.binds ?? [])];
  if (a.hosts !== undefined) {
    writeFileSync(p.hosts, a.hosts);
    binds.push({ source: p.hosts, target: '/etc/hosts', readOnly: false });
  }
  const spec = {
    netns: a.netns ?? 'host',
    rootfs: rootfs.path,
    hostname: a.hostname ?? a.id.slice(0, 12),
    env: a.env ?? img.config.env,
    uid: a.uid ?? 0,
    gid: a.gid ?? 0,
    cwd: a.cwd ?? '/',
    argv: a.argv,
    binds,
    logPath: p.log,
    statePath: p.state,
    restart: a.restart ?? 'no',
    restartMax: a.restartMax,
    tty: !!a.tty,
    interactive: !!a.interactive,
    cleanup: a.cleanup,
    proc: a.proc,
  };
  if (a.attached) return { exitCode: await launchAttached(spec, p), rootfs, image: imageFiles(img) };
  return { state: await launchDetached(spec, p), rootfs, image: imageFiles(img), paths: p };
}

async function wait() {
  const end = Date.now() + (a.timeoutMs ?? 20_000);
  for (;;) {
    const st = await readState(containerPaths(roots, a.id).state);
    if (st?.status === 'exited' || Date.now() > end) return st;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ops = {
  launch,
  wait,
  logs: () => readLogs(containerPaths(roots, a.id).log, { tail: a.tail }),
  stop: () => stopContainer(containerPaths(roots, a.id).state, a.graceMs),
  exec: async () => ({ exitCode: await execAttached(a.pid, a.argv, a.opts ?? {}) }),
  rm: () => removeContainerFiles(roots, a.id).then(() => ({ removed: a.id })),
};

try {
  const result = await ops[op]();
  process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: err.message, exitCode: err.exitCode ?? 1 })}\n`);
}
