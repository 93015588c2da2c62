/**
 * The iptables backend of FirewallDriver: desired rules from the pure planner, live rules
 * from `iptables-save`/`ip6tables-save` through our parser, a plan that re-sends only what
 * changed, applied with one `iptables-restore -w --noflush` per family and verified.
 *
 * Its fast paths, all behind the interface (each is explained where it lives):
 * - observe: the rules remembered at an unchanged nf_tables generation id are not read again;
 * - desired: one container's rows, or one network's, planned on top of the rules remembered
 *   for the records just before (request.delta), instead of planning every record; the
 *   remembered rules are kept chain by chain (chain-rules.ts), so only the chains a change
 *   touches are read, compared and written;
 * - apply: a restore that moved the id by exactly its own commits is not read back; a plan
 *   that only deletes rules of owned chains goes to the native nf_tables batch.
 */
import type { FirewallDriver, FirewallPlan, FirewallRequest } from '../driver.js';
import type { FirewallInput } from '../input.js';
import type { Ruleset } from './ast.js';
import { containerRules, desired, networkRules } from './desired.js';
import { diff, isEmpty, type RestorePlan } from './diff.js';
import { readRuleset, restoreDocument } from './apply.js';
import type { RulesCache, Basis } from './rules-cache.js';
import { withRules, withoutRules } from './delta.js';
import { ufwForwardChain } from '../ufw/names.js';
import { ownedPart } from './plan-owned.js';
import { NETWORK_CHAIN_PREFIX } from './plan-names.js';
import { absentRules } from './absent.js';
import { renderPlan } from './plan-render.js';
import { deletionEdits, type ChainEdit } from './plan-deletes.js';
import type { Runner } from '../../sys/exec.js';
import { SystemError } from '../../errors.js';

/**
 * The owned rules of both families.
 * Treat as immutable: the driver may hand the same object to later callers.
 */
export interface OwnedRules {
  4: Ruleset;
  6: Ruleset;
  /** Whether netctl's ufw block chain is loaded, per family (observed rules only). */
  ufw?: { 4: boolean; 6: boolean };
  /**
   * Observed rules: the nf_tables generation id they were live at, and where the block's
   * chain was loaded (whether or not the block is installed). Absent where the id is unknown.
   */
  seen?: { gen: number; loaded: { 4: boolean; 6: boolean } };
  /** Observed rules remembered as a target planned from the records at this basis. */
  basis?: Basis;
}

/** A plan per family, with its restore documents. */
export class IptablesPlan implements FirewallPlan {
  readonly docs: { 4: string; 6: string };
  /**
   * @param live the owned rules the plan was made against; its `seen` (when it was an
   *   observed snapshot with a known generation id) lets the apply skip the read-back.
   * @param target the owned rules the plan leads to: what a verified apply checks, and
   *   remembers with its `basis`.
   */
  constructor(
    readonly plans: { 4: RestorePlan; 6: RestorePlan },
    readonly live?: OwnedRules,
    readonly target?: OwnedRules,
  ) {
    this.docs = { 4: renderPlan(plans[4]), 6: renderPlan(plans[6]) };
  }
  /** What the plan was made against, when that was an observed snapshot with a known generation id. */
  get base(): OwnedRules['seen'] {
    return this.live?.seen;
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
  absent(): string[] {
    if (this.empty || !this.target || !this.live) return [];
    return [...absentRules(this.target[4], this.live[4]), ...absentRules(this.target[6], this.live[6])];
  }
}

/** Whether `rs` declares any network's own chain (a family with no network wants nothing). */
const hasNetworkChain = (rs: Ruleset): boolean =>
  rs.tables.length === 0 || rs.tables.some((t) => t.chains.some((c) => c.name.startsWith(NETWORK_CHAIN_PREFIX)));

const sameUfw = (a: Basis['ufw'], b: Basis['ufw']): boolean => a[4] === b[4] && a[6] === b[6];

const TABLES = ['filter', 'nat', 'raw'] as const;

/** The nf_tables transactions a plan's restores commit: one per table section. */
function commitsOf(plan: IptablesPlan): number {
  return (`${plan.docs[4]}\n${plan.docs[6]}`.match(/^COMMIT$/gm) ?? []).length;
}

/** The iptables firewall driver over a Runner (the real one, or a recording fake in tests). */
export class IptablesDriver implements FirewallDriver<OwnedRules, IptablesPlan> {
  readonly name = 'iptables';
  readonly describe = 'apply rules with iptables-restore --noflush';
  /**
   * @param blockInstalled whether netctl's ufw block is in ufw's rules file of a family;
   *   ports go through the block's chain only where it is both installed and loaded.
   * @param cache remembers the owned rules by nf_tables generation id, so that an unchanged
   *   ruleset is not read again and a restore that moved the id by exactly its own commits
   *   need not be read back; without it every observe and verify runs iptables-save.
   * @param deleteRules carries out a plan that only deletes rules of owned chains in one
   *   nf_tables transaction bound to a generation id (the native addon's nftDeleteRules);
   *   returns null when done, or why it changed nothing. Used only with `cache`, on plans
   *   made against rules observed at the id still current; without it, iptables-restore.
   */
  constructor(
    private readonly runner: Runner,
    private readonly blockInstalled: (family: 4 | 6) => boolean = () => false,
    private readonly cache?: RulesCache,
    private readonly deleteRules?: (gen: number, edits: ChainEdit[]) => string | null,
  ) {}

  /**
   * The rules `request` wants, letting ufw decide published ports where `live` says so
   * (see desiredFor). With `request.delta`, planned from the changed container's rows alone
   * (see desiredWith) when `live` is the target remembered for the records just before the
   * change (the same revision and the same ufw decision, so nothing else changed since);
   * else from every record. The target carries its basis, remembered by a verified apply.
   */
  desired(request: FirewallRequest, live: OwnedRules): OwnedRules {
    const basis: Basis = { rev: request.revision, ufw: this.ufwFor(live) };
    const { delta } = request;
    const patched =
      delta && live.basis?.rev === delta.since && sameUfw(live.basis.ufw, basis.ufw)
        ? this.desiredWith(live, delta.part, delta.kind, delta.of ?? 'container')
        : undefined;
    const rules = patched ?? this.desiredFor(request.all(), live);
    return { 4: rules[4], 6: rules[6], basis };
  }

  /**
   * The desired rules, letting ufw decide new connections to published ports in each family
   * where `live` shows the ufw block's chain loaded (a jump to a missing chain is refused).
   * The full path of {@link desired}; the engine goes through `desired`, this backend's own
   * tests call it directly.
   */
  desiredFor(input: FirewallInput, live: OwnedRules): OwnedRules {
    const ufw = this.ufwFor(live);
    return { 4: desired({ ...input, ufw: ufw[4] }, 4), 6: desired({ ...input, ufw: ufw[6] }, 6) };
  }

  /** Whether ufw decides published ports in each family, for rules planned against `live`. */
  private ufwFor(live: OwnedRules): { 4: boolean; 6: boolean } {
    return { 4: live.ufw?.[4] ?? false, 6: live.ufw?.[6] ?? false };
  }

  /**
   * `desiredFor` of the records with one container's rows added or taken out, planned from
   * those rows alone: `live` with `containerRules` of `part` (all networks, the container's
   * ports and endpoints) appended to their chains, or taken out. Only valid when `live` is
   * what `desiredFor` gave for the records before the change (its basis is theirs, and the
   * container's rows are the newest when added); undefined when `live` cannot be that.
   */
  private desiredWith(
    live: OwnedRules,
    part: FirewallInput,
    change: 'add' | 'remove',
    of: 'container' | 'network',
  ): OwnedRules | undefined {
    const ufw = this.ufwFor(live);
    const apply = change === 'add' ? withRules : withoutRules;
    const rules = of === 'network' ? networkRules : containerRules;
    const family = (f: 4 | 6): Ruleset | undefined => {
      const next = apply(live[f], rules({ ...part, ufw: ufw[f] }, f));
      // The last network of a family takes the shared chains with it: only the full plan knows.
      return of === 'network' && next && !hasNetworkChain(next) ? undefined : next;
    };
    const v4 = family(4);
    const v6 = v4 && family(6);
    return v4 && v6 ? { 4: v4, 6: v6 } : undefined;
  }

  private async observeFamily(family: 4 | 6): Promise<{ owned: Ruleset; loaded: boolean }> {
    // One save per family is cheaper than one per table: the process start dominates.
    const tables = (await readRuleset(this.runner, family)).tables.filter((t) =>
      (TABLES as readonly string[]).includes(t.name),
    );
    const loaded = tables.some((t) => t.name === 'filter' && t.chains.some((c) => c.name === ufwForwardChain(family)));
    return { owned: ownedPart({ family, tables }), loaded };
  }

  /** The snapshot of rules live at `gen` with the block's chain `loaded`; ufw counts where the block is installed too. */
  private snapshot(
    rules: { 4: Ruleset; 6: Ruleset },
    loaded: { 4: boolean; 6: boolean },
    gen: number | null,
    basis?: Basis,
  ): OwnedRules {
    return {
      4: rules[4],
      6: rules[6],
      ufw: { 4: loaded[4] && this.blockInstalled(4), 6: loaded[6] && this.blockInstalled(6) },
      ...(gen === null ? {} : { seen: { gen, loaded } }),
      ...(basis ? { basis } : {}),
    };
  }

  /**
   * What netctl owns now: remembered when the generation id says nothing changed since,
   * else read with one iptables-save per family. `fresh` always reads (doctor, gc).
   */
  async observe(opts: { fresh?: boolean } = {}): Promise<OwnedRules> {
    const gen = this.cache?.generation() ?? null;
    const known = this.cache?.current(gen);
    if (known && !opts.fresh) return this.snapshot(known, known.ufw ?? { 4: false, 6: false }, gen, known.basis);
    const [v4, v6] = await Promise.all([this.observeFamily(4), this.observeFamily(6)]);
    const rules = { 4: v4.owned, 6: v6.owned };
    const loaded = { 4: v4.loaded, 6: v6.loaded };
    // Remembered only when nothing committed while the saves ran. At the id of the
    // remembered rules they are what was read, and still what they were planned from.
    const still = gen !== null && this.cache?.generation() === gen;
    const basis = still ? known?.basis : undefined;
    if (still) this.cache!.remember(gen, { ...rules, ufw: loaded, ...(basis ? { basis } : {}) });
    return this.snapshot(rules, loaded, still ? gen : null, basis);
  }

  plan(target: OwnedRules, live: OwnedRules): IptablesPlan {
    return new IptablesPlan({ 4: diff(target[4], live[4]), 6: diff(target[6], live[6]) }, live, target);
  }

  /**
   * Applies both families' documents side by side (they touch different tables); with
   * `verify`, as {@link applyVerified} against the plan's target and its basis.
   */
  async apply(plan: IptablesPlan, opts: { verify?: boolean } = {}): Promise<void> {
    if (opts.verify && plan.target) return this.applyVerified(plan, plan.target, plan.target.basis);
    return this.restore(plan);
  }

  private async restore(plan: IptablesPlan): Promise<void> {
    const results = await Promise.allSettled(
      ([4, 6] as const).filter((f) => plan.docs[f]).map((f) => restoreDocument(this.runner, f, plan.docs[f])),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Carries out a plan that only deletes rules of owned chains with `deleteRules`, in one
   * transaction the kernel refuses if anything committed since `gen`: true when done. False
   * (nothing changed) for any other plan, or when the kernel's rules were not what `plan`
   * was made against; then iptables-restore applies it and says what is wrong, if anything.
   */
  private deleteNatively(plan: IptablesPlan, gen: number): boolean {
    if (!this.deleteRules || !plan.live) return false;
    const edits = deletionEdits(plan.plans, plan.live);
    if (!edits || edits.length === 0) return false;
    try {
      return this.deleteRules(gen, edits) === null;
    } catch {
      // A system error (no nf_tables, no permission): the restore's own error says it better.
      return false;
    }
  }

  /**
   * Applies, then makes sure the live rules are the target: when the plan was made against
   * rules observed at the generation id that is still current, and the id then moved by
   * exactly the restore's own commits (one per table section; one for a native deletion),
   * nobody else committed in between and all of it was applied, so the target is what is live.
   * Otherwise reads the rules back and checks nothing is left to do; throws when the kernel
   * disagrees. `basis`: what `target` was planned from, remembered with it on the fast path.
   * What `apply(plan, { verify: true })` does with the plan's target.
   */
  async applyVerified(plan: IptablesPlan, target: OwnedRules, basis?: Basis): Promise<void> {
    const base = plan.base;
    const fast = base !== undefined && this.cache !== undefined && this.cache.generation() === base.gen;
    const deleted = fast && this.deleteNatively(plan, base.gen);
    if (!deleted) await this.restore(plan);
    if (fast) {
      const after = this.cache!.generation();
      if (after === base.gen + (deleted ? 1 : commitsOf(plan))) {
        this.cache!.remember(after, { 4: target[4], 6: target[6], ufw: base.loaded, ...(basis ? { basis } : {}) });
        return;
      }
    }
    const left = this.plan(target, await this.observe({ fresh: true }));
    if (!left.empty)
      throw new SystemError(`verify rules: the live ruleset differs from the plan after apply:\n${left.text()}`);
  }
}
