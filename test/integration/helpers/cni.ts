/**
 * Driving netctl's CNI plugin the way a runtime does: the `CNI_*` environment, the
 * configuration on stdin, the answer parsed from stdout.
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';

/** The bundled plugin entry. */
export const PLUGIN = fileURLToPath(new URL('../../../dist/bin/netctl-cni.js', import.meta.url));

/** One plugin call's outcome. */
export interface CniCall {
  code: number;
  out: Record<string, unknown> | null;
  raw: string;
}

/** Runs the plugin with `env` (CNI_PATH added) and `conf` (an object, or raw text) on stdin. */
export async function cni(sb: Sandbox, env: Record<string, string>, conf: object | string): Promise<CniCall> {
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
