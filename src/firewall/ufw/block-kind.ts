/**
 * What differs between the blocks netctl keeps in ufw's after.rules: netctl's own (its
 * published ports through ufw) and Docker's (`netctl docker install`, DOCKER-USER through
 * ufw). The install, uninstall and check code is the same for both; a kind names the
 * markers, the template, and how the running firewall is compared and cleaned. Pure.
 */
import type { Ruleset } from '../iptables/ast.js';
import { NETCTL_MARKERS, type Markers } from './block.js';
import { ufwForwardChain, type UfwFamily } from './names.js';
import type { Family } from '../../model/addr.js';
import { chainReferences, chainState, unloadDoc, type ChainState } from './plan.js';

/** One kind of block. */
export interface BlockKind {
  /** For messages: `netctl`, `netctl-docker`. */
  label: string;
  markers: Markers;
  /** The template's file name under rules/ufw/. */
  template(spec: UfwFamily): string;
  /** The chain messages name for a family. */
  chain(family: Family): string;
  /** How the running firewall compares with the template. */
  state(live: Ruleset, family: Family, template: string): ChainState;
  /** Rules outside the block that still jump to its chain. */
  references(live: Ruleset, family: Family): string[];
  /** `iptables-restore -n` input taking the block's chains out of `live`. */
  unload(family: Family, live: Ruleset | undefined, references: number): string;
  /** `iptables-restore -n` input loading the block into `live` (default: the template). */
  load?(family: Family, live: Ruleset | undefined, template: string): string;
}

/** netctl's own block (`netctl ufw install`). */
export const NETCTL_BLOCK: BlockKind = {
  label: 'netctl',
  markers: NETCTL_MARKERS,
  template: (spec) => spec.template,
  chain: ufwForwardChain,
  state: chainState,
  references: chainReferences,
  unload: (family, _live, refs) => unloadDoc(family, refs > 0),
};
