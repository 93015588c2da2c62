/**
 * Driving netctl's CNI plugin the way a runtime does: the `CNI_*` environment, the
 * configuration on stdin, the answer parsed from stdout.
 */
import { fileURLToPath } from 'node:url';
import { NETCTL, type Sandbox } from '../../harness/sandbox.js';

/** The bundled plugin entry, the one `netctl cni install` installs. */
export const PLUGIN = fileURLToPath(new URL('../../../dist/bin/netctl-cni.cjs', import.meta.url));
/** The shim the installed plugin execs: forwards to `netctl cni serve`, else runs its fallback. */
export const SHIM = fileURLToPath(new URL('../../../native/build/netctl-cni-shim', import.meta.url));
/** `netctl cni serve`'s default socket in a sandbox. */
export const SOCKET = '/run/netctl/cni.sock';

/** Where the plugin runs: a sandbox, or a node in one (helpers/node.ts); `plugin`: the argv that runs netctl's plugin (default node on PLUGIN). */
export type Runner = Pick<Sandbox, 'exec'> & { plugin?: string[] };

const pluginArgv = (sb: Runner): string[] => sb.plugin ?? [process.execPath, PLUGIN];

/**
 * `sb` with netctl's plugin run through the shim on `socket`. With `strict` the fallback is
 * /bin/false, so a call the daemon did not answer fails instead of passing through node.
 */
export function viaShim(sb: Runner, socket = SOCKET, strict = true): Runner {
  return {
    exec: (argv, opts) => sb.exec(argv, opts),
    plugin: [SHIM, socket, ...(strict ? ['/bin/false'] : [process.execPath, PLUGIN])],
  };
}

/** Starts `netctl cni serve` in the sandbox (log in /run/cni-serve.log) and waits until it answers on its socket; returns its pid. */
export async function startDaemon(sb: Sandbox, socket = SOCKET, env?: Record<string, string>): Promise<number> {
  const pid = await sb.background(
    ['sh', '-c', `exec ${process.execPath} ${NETCTL} cni serve --socket ${socket} >>/run/cni-serve.log 2>&1`],
    env,
  );
  for (let i = 0; i < 100; i++) {
    // A VERSION call through the shim without fallback: succeeds only when a daemon answers.
    const probe = await sb.exec([SHIM, socket, '/bin/false'], {
      input: '{"cniVersion":"1.0.0"}',
      env: { CNI_COMMAND: 'VERSION' },
      timeoutMs: 5_000,
    });
    if (probe.code === 0) {
      // Another daemon answering while ours was refused would pass the probe.
      if ((await sb.exec(['kill', '-0', String(pid)])).code !== 0)
        throw new Error(`netctl cni serve exited: ${await sb.sh(['tail', '-3', '/run/cni-serve.log'])}`);
      return pid;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`netctl cni serve did not listen on ${socket}: ${await sb.sh(['cat', '/run/cni-serve.log'])}`);
}

/** Sends `signal` to the daemon and waits (bounded) until it is gone. */
export async function stopDaemon(sb: Sandbox, pid: number, signal = 'TERM'): Promise<void> {
  await sb.exec(['kill', `-${signal}`, String(pid)]);
  for (let i = 0; i < 100; i++) {
    if ((await sb.exec(['kill', '-0', String(pid)])).code !== 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`netctl cni serve (pid ${pid}) did not stop`);
}

/** One plugin call's outcome. */
export interface CniCall {
  code: number;
  out: Record<string, unknown> | null;
  raw: string;
}

/** Runs the plugin with `env` (CNI_PATH added) and `conf` (an object, or raw text) on stdin. */
export async function cni(sb: Runner, env: Record<string, string>, conf: object | string): Promise<CniCall> {
  const input = typeof conf === 'string' ? conf : JSON.stringify(conf);
  const r = await sb.exec(pluginArgv(sb), { input, env: { CNI_PATH: '/usr/lib/cni', ...env }, timeoutMs: 30_000 });
  const raw = r.stdout.trim();
  let out: Record<string, unknown> | null = null;
  try {
    out = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  } catch {
    out = null;
  }
  return { code: r.code, out, raw: raw + r.stderr };
}

/** The environment of an attachment command. */
export function attachEnv(
  command: string,
  containerId: string,
  netns: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: netns, CNI_IFNAME: 'eth0', ...extra };
}

/**
 * Runs a configuration list as libcni does: each plugin in order for ADD (the previous
 * result spliced in as `prevResult`), in reverse for DEL and with the final result for
 * CHECK/DEL. netctl's plugin is run from dist; the others from /usr/lib/cni.
 */
export async function chain(
  sb: Runner,
  env: Record<string, string>,
  list: { cniVersion: string; name: string; plugins: Record<string, unknown>[] },
  prev?: Record<string, unknown>,
): Promise<CniCall> {
  const add = env.CNI_COMMAND === 'ADD';
  const plugins = add ? list.plugins : [...list.plugins].reverse();
  let result: Record<string, unknown> | undefined = prev;
  let last: CniCall = { code: 0, out: null, raw: '' };
  for (const p of plugins) {
    const conf = { cniVersion: list.cniVersion, name: list.name, ...p, ...(result ? { prevResult: result } : {}) };
    const argv = p.type === 'netctl' ? pluginArgv(sb) : [`/usr/lib/cni/${String(p.type)}`];
    const r = await sb.exec(argv, {
      input: JSON.stringify(conf),
      env: { CNI_PATH: '/usr/lib/cni', ...env },
      timeoutMs: 30_000,
    });
    const raw = r.stdout.trim();
    last = {
      code: r.code,
      out: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
      raw: `${String(p.type)}: ${raw}${r.stderr}`,
    };
    if (r.code !== 0) return last;
    if (add) result = last.out ?? undefined;
  }
  return add ? last : { ...last, out: result ?? null };
}
