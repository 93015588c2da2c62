/** Pid files of netctl's long-running helpers (the DNS server, the health runner). */
import { readFileSync } from 'node:fs';

/**
 * The pid a pid file names when that process is alive, or undefined. A zombie (killed, not yet
 * reaped: a pid namespace's init may never reap) is dead too.
 */
export function livePid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^\d+ \(.*\) [ZX] /s.test(stat) ? undefined : pid;
  } catch {
    return undefined;
  }
}
