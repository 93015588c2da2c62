/**
 * The iptables-restore documents a block install or uninstall loads into the running
 * firewall, as plan text, and the one that deletes the block's chain once nothing jumps to
 * it any more (after netctl's rules moved off it). Pure: ops/ufw.ts runs them.
 */
import type { UfwResult } from './apply.js';
import type { BlockKind } from './block-kind.js';
import type { Family } from '../../model/addr.js';
import { ufwForwardChain } from './names.js';

/** `iptables-restore --noflush` input deleting netctl's block chain in `family` (absent already is fine). */
export function deleteChainDoc(family: Family): string {
  const chain = ufwForwardChain(family);
  return `*filter\n:${chain} - [0:0]\n-X ${chain}\nCOMMIT\n`;
}

/**
 * What install or uninstall loads (or with `--dry-run` would load) per family, in the order
 * it runs them: the block's chain loaded from its template, or taken out of the live rules.
 */
export function blockChainDocs(r: UfwResult, kind: BlockKind): { family: Family; doc: string }[] {
  return r.chains.flatMap((c) => {
    const f = r.view.families.find((v) => v.family === c.family);
    if (!f) return [];
    if (c.action === 'loaded' || c.action === 'would-load')
      return [{ family: c.family, doc: kind.load?.(f.family, f.live, f.template) ?? f.template }];
    if (c.action === 'removed' || c.action === 'emptied' || c.action === 'would-remove')
      return [{ family: c.family, doc: kind.unload(f.family, f.live, c.references ?? 0) }];
    return [];
  });
}
