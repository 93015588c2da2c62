/**
 * Keeps the mirror chains of ufw's incoming rules (input-mirror.ts) equal to the live
 * `ufw-user-input`, in each family where ufw runs and a block declared them. ufw rebuilds
 * its own chain on every rule change (`ufw deny`, fail2ban's `ufw insert 1 ...`) and empties
 * the mirror chains on every reload (the blocks declare them), so this runs at every
 * install, `ufw sync`, `docker sync`, from the Docker watch (on a change of ufw's user rules
 * files, and every few seconds for a reload) and from the `netctl-ufw-input.path` unit;
 * `doctor` reports a mirror that is behind. One `iptables-restore --noflush` per chain that
 * changed, atomic: the chain is never seen half filled.
 */
import { readRuleset, restoreDocument } from '../iptables/apply.js';
import type { Ruleset } from '../iptables/ast.js';
import type { Family } from '../../model/addr.js';
import { hasChain, ufwRunning } from './plan.js';
import { inputChains, mirrorCurrent, mirrorDoc, mirrorInput } from './input-mirror.js';
import type { UfwDeps } from './observe.js';

/** One mirror chain that was (or, in a check, would be) rewritten. */
export interface MirrorChange {
  family: Family;
  chain: string;
  rules: number;
  /** ufw's rules that have no mirror (their matches cannot be read for a published port). */
  skipped: string[];
}

/** The chains of `live` whose mirror differs from its `ufw-user-input`, with their new documents. */
export function mirrorPlan(live: Ruleset, family: Family): (MirrorChange & { doc: string })[] {
  if (!ufwRunning(live, family)) return [];
  return inputChains(family)
    .filter((chain) => hasChain(live, chain))
    .flatMap((chain) => {
      const m = mirrorInput(live, family, chain);
      if (mirrorCurrent(live, family, chain, m.lines)) return [];
      return [{ family, chain, rules: m.lines.length, skipped: m.skipped, doc: mirrorDoc(chain, m.lines) }];
    });
}

/**
 * Brings every mirror chain in line (`check`: only says which are behind). A family whose
 * rules cannot be read is skipped with its error in `errors`.
 */
export async function syncInputMirror(
  deps: Pick<UfwDeps, 'runner'>,
  opts: { check?: boolean } = {},
): Promise<{ changes: MirrorChange[]; errors: string[] }> {
  const changes: MirrorChange[] = [];
  const errors: string[] = [];
  for (const family of [4, 6] as const) {
    try {
      const live = await readRuleset(deps.runner, family, 'filter');
      for (const { doc, ...c } of mirrorPlan(live, family)) {
        if (!opts.check) await restoreDocument(deps.runner, family, doc);
        changes.push(c);
      }
    } catch (err) {
      errors.push(`IPv${family}: ${(err as Error).message}`);
    }
  }
  return { changes, errors };
}

/** `mirrored ufw's incoming rules for published ports into ufw-netctl-input (IPv4, 3 rules)`. */
export function mirrorMessage(c: MirrorChange, check = false): string {
  return `${check ? 'would mirror' : 'mirrored'} ufw's incoming rules for published ports into ${c.chain} (IPv${c.family}, ${c.rules} rule${c.rules === 1 ? '' : 's'})`;
}
