/**
 * One health probe: the check's argv run inside the container through `netctl-launcher exec`,
 * as `netctl exec` runs a command (same namespaces, root, user, capabilities and cgroups),
 * its output captured and its time bounded. A probe past its timeout is killed (the exec'd
 * process dies with the launcher: PR_SET_PDEATHSIG) and recorded as Docker records it.
 */
import { spawn } from 'node:child_process';
import { type HealthResult, MAX_OUTPUT_BYTES, truncateOutput } from '../model/health-state.js';
import { execArgv } from './launch.js';

/** What one probe needs: the container's init pid, the check, its timeout, the cgroups to join. */
export interface ProbeSpec {
  pid: number;
  argv: readonly string[];
  timeoutMs: number;
  cgroups?: string[];
}

/** Runs one probe; never throws (a check that cannot run is a failed probe, exit code -1). */
export function runProbe(p: ProbeSpec): Promise<HealthResult> {
  const start = new Date();
  const argv = execArgv(p.pid, p.argv, p.cgroups ? { cgroups: p.cgroups } : {});
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (b: Buffer): void => {
    // One byte past the limit is enough to know the output was cut.
    if (size > MAX_OUTPUT_BYTES) return;
    chunks.push(b);
    size += b.length;
  };
  return new Promise((resolve) => {
    const done = (ExitCode: number, Output: string): void => {
      clearTimeout(timer);
      resolve({ Start: start.toISOString(), End: new Date().toISOString(), ExitCode, Output });
    };
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, p.timeoutMs);
    child.on('error', (e) => done(-1, `cannot run the health check: ${e.message}`));
    child.on('close', (code) => {
      if (timedOut) return done(-1, `Health check exceeded timeout (${formatSeconds(p.timeoutMs)})`);
      done(code ?? -1, truncateOutput(Buffer.concat(chunks)));
    });
  });
}

/** Go's time.Duration text for whole and fractional seconds (`30s`, `1.5s`, `500ms`). */
function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
