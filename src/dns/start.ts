/**
 * Starting the server on demand, as netavark starts aardvark-dns: a detached
 * `netctl dns serve` with its output appended to RUN_ROOT/dns/dns.log, then a wait until its
 * control socket answers. Two commands racing both may spawn one: the second finds the pid
 * file claimed and exits, and both then reach the first.
 */
import { startDetached } from '../sys/detached.js';
import { control, dnsFiles, type ServerStatus } from './control.js';

/** The running server's status, or undefined when none answers within `timeoutMs`. */
export async function probe(runRoot: string, timeoutMs = 1000): Promise<ServerStatus | undefined> {
  try {
    return await control<ServerStatus>(runRoot, { op: 'status' }, timeoutMs);
  } catch {
    return undefined;
  }
}

/** Starts `netctl dns serve` detached unless one answers; resolves once it answers. */
export async function ensureServer(root: string, runRoot: string): Promise<{ started: boolean }> {
  if (await probe(runRoot)) return { started: false };
  await startDetached({
    root,
    runRoot,
    argv: ['dns', 'serve'],
    log: dnsFiles(runRoot).log,
    ready: async () => (await probe(runRoot, 500)) !== undefined,
    what: 'the embedded DNS server',
    verb: 'answer',
  });
  return { started: true };
}
