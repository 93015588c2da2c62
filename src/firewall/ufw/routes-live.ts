/**
 * Whether ufw's user chains are loaded, asked in a way whose cost does not grow with the
 * rules: ufw's own test lists `ufw-user-forward` (`iptables -L`), and netctl's read the whole
 * filter table (`iptables-save`), both reading every route rule (5,000 rules: ~0.1 s of CPU
 * each, twice per allow).
 */
import { SystemError } from '../../errors.js';
import type { Family } from '../../model/addr.js';
import type { Runner } from '../../sys/exec.js';
import { ufwFamily } from './names.js';

/**
 * The chain looked at: ufw declares it in user.rules beside `ufw-user-forward` and loads
 * both in one iptables-restore (and `ufw disable` deletes both), so either is there exactly
 * when the other is; it holds one rule, so listing it reads nothing else.
 */
export function ufwLoadedChain(family: Family): string {
  return `${ufwFamily(family).prefix}-user-limit-accept`;
}

/**
 * Whether ufw's user rules are loaded in `family` (ufw enabled and started): exit code 1 of
 * `iptables -S CHAIN` is "no such chain", as ufw reads it.
 * @throws SystemError when iptables fails otherwise.
 */
export async function ufwUserLoaded(runner: Runner, family: Family): Promise<boolean> {
  const argv = [family === 6 ? 'ip6tables' : 'iptables', '-S', ufwLoadedChain(family)];
  const r = await runner.run(argv, {});
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new SystemError(`read "${argv.join(' ')}": ${r.stderr.trim().split('\n')[0] || `exit code ${r.code}`}`);
}
