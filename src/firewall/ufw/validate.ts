/**
 * Validating a rules file before it is written, the way ufw will load it: ufw-init's chains,
 * then before.rules, then the new after.rules, each `iptables-restore -n`, in a throwaway
 * network namespace (`unshare -n`), where loading for real changes nothing that matters.
 *
 * Not `iptables-restore --test`: the nft flavour's --test accepts rules in undeclared chains
 * and jumps to missing ones, and the legacy flavour's does not carry chains from one
 * `*filter` section to the next, so it rejects ufw's own before.rules + after.rules.
 */
import { dirname, join } from 'node:path';
import { SystemError } from '../../errors.js';
import type { FamilyView, UfwDeps } from './observe.js';
import { locateLines, ufwSkeleton, validationDoc, type FilePlan } from './plan.js';

interface Outcome {
  ok: boolean;
  message: string;
}

async function load(deps: UfwDeps, f: FamilyView, after: string, afterName: string): Promise<Outcome> {
  const doc = validationDoc([
    { name: `ufw's chains`, text: ufwSkeleton(f.family) },
    { name: join(dirname(f.path), f.spec.before), text: f.before ?? '' },
    { name: afterName, text: after },
  ]);
  const argv = ['unshare', '-n', '--', f.spec.restore, '-n'];
  const r = await deps.runner.run(argv, { input: Buffer.from(doc.text, 'latin1'), timeoutMs: 20_000 });
  const message = locateLines(r.stderr.trim().split('\n')[0] ?? '', doc) || `exit code ${r.code}`;
  return { ok: r.code === 0, message };
}

/**
 * Throws a SystemError when `plan.new` would not load although `plan.old` does. When the old
 * file does not load in an empty namespace either (it needs something only the real host has,
 * an ipset say), the block is checked on its own instead and a note says so.
 */
export async function validate(
  deps: UfwDeps,
  f: FamilyView,
  plan: FilePlan,
  verb: 'install' | 'uninstall',
): Promise<string | undefined> {
  const next = await load(deps, f, plan.new, plan.path);
  if (next.ok) return undefined;
  const prev = await load(deps, f, plan.old, plan.path);
  if (prev.ok) {
    throw new SystemError(`${verb} would break "${plan.path}": ${next.message}`, {
      hint: `nothing was changed; ${plan.path} loads as it is but not with this change`,
    });
  }
  if (verb === 'install') {
    const alone = await load(deps, f, f.template, 'the netctl block');
    if (!alone.ok) throw new SystemError(`the netctl block does not load: ${alone.message}`);
  }
  return (
    `${plan.path} does not load in an empty network namespace even as it is (${prev.message}); ` +
    (verb === 'install' ? 'checked the netctl block on its own' : 'removing the block does not change that')
  );
}
