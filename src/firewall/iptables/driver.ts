/**
 * The iptables backend of FirewallDriver: desired rules from the pure planner, live rules
 * from `iptables-save`/`ip6tables-save` through our parser, a plan that re-sends only what
 * changed, applied with one `iptables-restore -w --noflush` per family and verified.
 */
import type { FirewallDriver, FirewallPlan } from '../driver.js';
import type { FirewallInput } from '../input.js';
import type { Ruleset } from './ast.js';
import { desired } from './desired.js';
import { diff, isEmpty, type RestorePlan } from './diff.js';
import { applyDocument, readRuleset } from './apply.js';
import { ufwForwardChain } from '../ufw/names.js';
import { ownedPart } from './plan-owned.js';
import { renderPlan } from './plan-render.js';
import type { Runner } from '../../sys/exec.js';
import { SystemError } from '../../errors.js';

/** The owned rules of both families. */
export interface OwnedRules {
  4: Ruleset;
  6: Ruleset;
  /** Whether netctl's ufw block chain is loaded, per family (observed rules only). */
  ufw?: { 4: boolean; 6: boolean };
}

/** A plan per family, with its restore documents. */
export class IptablesPlan implements FirewallPlan {
  readonly docs: { 4: string; 6: string };
  constructor(readonly plans: { 4: RestorePlan; 6: RestorePlan }) {
    this.docs = { 4: renderPlan(plans[4]), 6: renderPlan(plans[6]) };
  }
  get empty(): boolean {
    return isEmpty(this.plans[4]) && isEmpty(this.plans[6]);
  }
  text(): string {
    const parts: string[] = [];
    if (this.docs[4]) parts.push(`# iptables-restore -w --noflush\n${this.docs[4]}`);
    if (this.docs[6]) parts.push(`# ip6tables-restore -w --noflush\n${this.docs[6]}`);
    return parts.join('');
  }
}

const TABLES = ['filter', 'nat', 'raw'] as const;

/** The iptables firewall driver over a Runner (the real one, or a recording fake in tests). */
export class IptablesDriver implements FirewallDriver<OwnedRules, IptablesPlan> {
  readonly name = 'iptables';
  /**
   * @param blockInstalled whether netctl's ufw block is in ufw's rules file of a family;
   *   ports go through the block's chain only where it is both installed and loaded.
   */
  constructor(
    private readonly runner: Runner,
    private readonly blockInstalled: (family: 4 | 6) => boolean = () => false,
  ) {}

  desired(input: FirewallInput): OwnedRules {
    return { 4: desired(input, 4), 6: desired(input, 6) };
  }

  /**
   * The desired rules, letting ufw decide new connections to published ports in each family
   * where `live` shows the ufw block's chain loaded (a jump to a missing chain is refused).
   */
  desiredFor(input: FirewallInput, live: OwnedRules): OwnedRules {
    return { 4: desired({ ...input, ufw: live.ufw?.[4] ?? false }, 4), 6: desired({ ...input, ufw: live.ufw?.[6] ?? false }, 6) };
  }

  private async observeFamily(family: 4 | 6): Promise<{ owned: Ruleset; ufw: boolean }> {
    // One save per family is cheaper than one per table: the process start dominates.
    const tables = (await readRuleset(this.runner, family)).tables.filter((t) => (TABLES as readonly string[]).includes(t.name));
    const loaded = tables.some((t) => t.name === 'filter' && t.chains.some((c) => c.name === ufwForwardChain(family)));
    const ufw = loaded && this.blockInstalled(family);
    return { owned: ownedPart({ family, tables }), ufw };
  }

  async observe(): Promise<OwnedRules> {
    const [v4, v6] = await Promise.all([this.observeFamily(4), this.observeFamily(6)]);
    return { 4: v4.owned, 6: v6.owned, ufw: { 4: v4.ufw, 6: v6.ufw } };
  }

  plan(target: OwnedRules, live: OwnedRules): IptablesPlan {
    return new IptablesPlan({ 4: diff(target[4], live[4]), 6: diff(target[6], live[6]) });
  }

  async apply(plan: IptablesPlan): Promise<void> {
    for (const family of [4, 6] as const) {
      const doc = plan.docs[family];
      if (doc) await applyDocument(this.runner, family, doc, { table: 'filter' });
    }
  }

  /** Applies, then reads back and checks nothing is left to do; throws when the kernel disagrees. */
  async applyVerified(plan: IptablesPlan, target: OwnedRules): Promise<void> {
    await this.apply(plan);
    const left = this.plan(target, await this.observe());
    if (!left.empty) throw new SystemError(`verify rules: the live ruleset differs from the plan after apply:\n${left.text()}`);
  }
}
