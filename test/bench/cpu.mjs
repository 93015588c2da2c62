// CPU time of a bench sandbox, shared by the cases that report it (scale, stats).
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (ms) of every process of the sandbox, the dead ones included (a reaped child's
 * time is in its parent's cutime/cstime, an orphan's in init's), this bench's own work left
 * out: netctl works in its CLI process, Docker in its daemons, and both are counted.
 * On a shared machine CPU moves far less with the load than wall time.
 */
export function sandboxCpuMs() {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += (Number(pid) === process.pid ? 0 : Number(f[11]) + Number(f[12])) + Number(f[13]) + Number(f[14]);
    } catch {
      // Gone meanwhile: its time is in its parent's now.
    }
  }
  return ticks * 10;
}
