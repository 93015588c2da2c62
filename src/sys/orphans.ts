/**
 * The programs a killed command left running: each process a transaction starts inherits
 * NETCTL_TX=<its journal id> (ops/tx.ts), so the next command finds them by their
 * environment, though they were re-parented, and ends those that change the kernel (an
 * iptables-restore given its whole input would otherwise commit its rules after the repair).
 * Container processes are left alone: the repair decides about those from the database.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** The environment variable that tags a transaction's children. */
export const TX_ENV = 'NETCTL_TX';

// iptables-restore & co (legacy or nft, via xtables-*-multi), ip, sysctl, conntrack, ufw.
const KERNEL_TOOLS = /(tables|^ip$|^sysctl$|^conntrack$|^ufw$)/;

function read(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** The pids of live kernel tools started by transaction `id`. */
export function taggedTools(id: string, proc = '/proc'): number[] {
  const tag = `${TX_ENV}=${id}`;
  const out: number[] = [];
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    if (!read(`${proc}/${name}/environ`).split('\0').includes(tag)) continue;
    const argv0 = read(`${proc}/${name}/cmdline`).split('\0')[0] ?? '';
    if (KERNEL_TOOLS.test(argv0.split('/').pop() ?? '')) out.push(Number(name));
  }
  return out;
}

function alive(pid: number): boolean {
  // A zombie has no more effects: its state is Z.
  const stat = read(`/proc/${pid}/stat`);
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

/** SIGKILLs the kernel tools of transaction `id` and waits (up to `timeoutMs`) until they are gone. */
export async function endTaggedTools(id: string, timeoutMs = 5000): Promise<number[]> {
  const pids = taggedTools(id);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const until = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return pids;
}
