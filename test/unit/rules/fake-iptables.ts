/**
 * An iptables fake over the strict iptables-restore model (restore-sim.ts), for engine
 * tests: saves print the simulated state, restores change it (or fail when told to), and
 * each COMMIT a restore applies moves a generation id, as nf_tables does.
 */
import type { ExecOptions, ExecResult, Runner } from '../../../src/sys/exec.js';
import { load, restore, save } from './restore-sim.js';

/** The built-in chains of filter and nat, nothing else. */
export const EMPTY =
  '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n';

/** The fake, its log (`<program> <n> lines` per restore) and its generation id. */
export function fakeIptables(
  log: string[],
  failRestore: () => boolean = () => false,
): Runner & { generation(): number } {
  const state = { 4: load(EMPTY), 6: load(EMPTY) };
  let gen = 1;
  return {
    generation: () => gen,
    run: async (argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> => {
      const family = argv[0]!.startsWith('ip6') ? 6 : 4;
      if (argv[0]!.endsWith('-save')) return { code: 0, stdout: save(state[family]), stderr: '' };
      const input = String(opts?.input ?? '');
      log.push(`${argv[0]} ${input.split('\n').length} lines`);
      if (failRestore()) return { code: 1, stdout: '', stderr: 'iptables-restore: line 3 failed' };
      state[family] = restore(state[family], input);
      gen += (input.match(/^COMMIT$/gm) ?? []).length;
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}
