/**
 * Driving netctl's CNI plugin the way a runtime does: the `CNI_*` environment, the
 * configuration on stdin, the answer parsed from stdout.
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';

/** The bundled plugin entry, the one `netctl cni install` installs. */
export const PLUGIN = fileURLToPath(new URL('../../../dist/bin/netctl-cni.cjs', import.meta.url));

/** Where the plugin runs: a sandbox, or a node in one (helpers/node.ts). */
export type Runner = Pick<Sandbox, 'exec'>;

/** One plugin call's outcome. */
export interface CniCall {
  code: number;
  out: Record<string, unknown> | null;
  raw: string;
}

/** Runs the plugin with `env` (CNI_PATH added) and `conf` (an object, or raw text) on stdin. */
export async function cni(sb: Runner, env: Record<string, string>, conf: object | string): Promise<CniCall> {
  const input = typeof conf === 'string' ? conf : JSON.stringify(conf);
  const r = await sb.exec([process.execPath, PLUGIN], { input, env: { CNI_PATH: '/usr/lib/cni', ...env }, timeoutMs: 30_000 });
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
export function attachEnv(command: string, containerId: string, netns: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: netns, CNI_IFNAME: 'eth0', ...extra };
}

/**
 * Runs a configuration list as libcni does: each plugin in order for ADD (the previous
 * result spliced in as `prevResult`), in reverse for DEL and with the final result for
 * CHECK/DEL. netctl's plugin is run from dist; the others from /usr/lib/cni.
 */
export async function chain(sb: Runner, env: Record<string, string>, list: { cniVersion: string; name: string; plugins: Record<string, unknown>[] }, prev?: Record<string, unknown>): Promise<CniCall> {
  const add = env.CNI_COMMAND === 'ADD';
  const plugins = add ? list.plugins : [...list.plugins].reverse();
  let result: Record<string, unknown> | undefined = prev;
  let last: CniCall = { code: 0, out: null, raw: '' };
  for (const p of plugins) {
    const conf = { cniVersion: list.cniVersion, name: list.name, ...p, ...(result ? { prevResult: result } : {}) };
    const argv = p.type === 'netctl' ? [process.execPath, PLUGIN] : [`/usr/lib/cni/${String(p.type)}`];
    const r = await sb.exec(argv, { input: JSON.stringify(conf), env: { CNI_PATH: '/usr/lib/cni', ...env }, timeoutMs: 30_000 });
    const raw = r.stdout.trim();
    last = { code: r.code, out: raw ? (JSON.parse(raw) as Record<string, unknown>) : null, raw: `${String(p.type)}: ${raw}${r.stderr}` };
    if (r.code !== 0) return last;
    if (add) result = last.out ?? undefined;
  }
  return add ? last : { ...last, out: result ?? null };
}
